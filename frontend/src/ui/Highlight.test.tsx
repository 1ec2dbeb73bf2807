import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlight, parseMarks } from './Highlight';

describe('Highlight', () => {
  it('marks only the matches', () => {
    const { container } = render(<Highlight html="hiring <mark>engineers</mark> in Berlin" />);
    expect(container.querySelectorAll('mark')).toHaveLength(1);
    expect(container.querySelector('mark')).toHaveTextContent('engineers');
    expect(container).toHaveTextContent('hiring engineers in Berlin');
  });
  it('never turns escaped text into markup', () => {
    const { container } = render(<Highlight html="&lt;img src=x onerror=alert(1)&gt; &amp; <mark>R&amp;D</mark>" />);
    expect(container.querySelector('img')).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror=alert(1)> & R&D');
  });
  it('keeps other tags as text', () => {
    expect(parseMarks('<b>x</b>')).toEqual([{ text: '<b>x</b>', marked: false }]);
  });
});
