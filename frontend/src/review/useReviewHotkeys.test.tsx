import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useReviewHotkeys, type ReviewKeys } from './useReviewHotkeys';

function Harness({ keys, enabled }: { keys: ReviewKeys; enabled: boolean }) {
  useReviewHotkeys(keys, enabled);
  return (
    <div>
      <textarea aria-label="comment" />
      <input aria-label="search" />
    </div>
  );
}

function setup(enabled = true) {
  const keys = { next: vi.fn(), previous: vi.fn(), approve: vi.fn(), requestChanges: vi.fn(), help: vi.fn() };
  const view = render(<Harness keys={keys} enabled={enabled} />);
  return { keys, ...view };
}

describe('useReviewHotkeys', () => {
  it('maps j, k, a, r and ? to their actions', () => {
    const { keys } = setup();
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'k' });
    fireEvent.keyDown(document.body, { key: 'a' });
    fireEvent.keyDown(document.body, { key: 'r' });
    fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    expect(keys.next).toHaveBeenCalledTimes(1);
    expect(keys.previous).toHaveBeenCalledTimes(1);
    expect(keys.approve).toHaveBeenCalledTimes(1);
    expect(keys.requestChanges).toHaveBeenCalledTimes(1);
    expect(keys.help).toHaveBeenCalledTimes(1);
  });
  it('does nothing while typing in a text field', () => {
    const { keys, getByLabelText } = setup();
    fireEvent.keyDown(getByLabelText('comment'), { key: 'a' });
    fireEvent.keyDown(getByLabelText('search'), { key: 'r' });
    fireEvent.keyDown(getByLabelText('comment'), { key: 'j' });
    expect(keys.approve).not.toHaveBeenCalled();
    expect(keys.requestChanges).not.toHaveBeenCalled();
    expect(keys.next).not.toHaveBeenCalled();
  });
  it('leaves browser shortcuts alone (ctrl+r reloads)', () => {
    const { keys } = setup();
    fireEvent.keyDown(document.body, { key: 'r', ctrlKey: true });
    expect(keys.requestChanges).not.toHaveBeenCalled();
  });
  it('does nothing while a dialog is open', () => {
    const { keys } = setup(false);
    fireEvent.keyDown(document.body, { key: 'a' });
    fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    expect(keys.approve).not.toHaveBeenCalled();
    expect(keys.help).not.toHaveBeenCalled();
  });
});
