import { useHotkeys } from '@mantine/hooks';

export type ReviewKeys = {
  next: () => void;
  previous: () => void;
  approve: () => void;
  requestChanges: () => void;
  help: () => void;
};

/**
 * The review page's shortcuts: j/k next/previous in the queue, a approve, r request changes, ?
 * the shortcut sheet. Nothing fires while typing in a field (useHotkeys ignores input, textarea,
 * select and contenteditable), with a modifier held, or while enabled is false (a dialog is open).
 */
export function useReviewHotkeys(keys: ReviewKeys, enabled: boolean) {
  const when = (fn: () => void) => () => {
    if (enabled) fn();
  };
  useHotkeys([
    ['j', when(keys.next)],
    ['k', when(keys.previous)],
    ['a', when(keys.approve)],
    ['r', when(keys.requestChanges)],
    ['shift+?', when(keys.help)],
    ['?', when(keys.help)],
  ]);
}
