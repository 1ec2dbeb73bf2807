// Step-up: when the organization wants a recent sign-in for approvals and rejections, the server
// refuses the decision (FORBIDDEN, reason STEP_UP_REQUIRED). The page keeps the decision in
// sessionStorage, sends the reviewer through a fresh sign-in that returns to the page with
// ?decide=<kind>, and the page re-opens the same decision with its comment.
import type { CombinedError } from 'urql';
import type { DecisionKind } from '../gql/graphql';

export type PendingDecision = { postId: string; versionId: string; kind: DecisionKind; comment: string };

const key = 'clearpost.pendingDecision';
const markers: Record<DecisionKind, string> = { APPROVE: 'approve', REQUEST_CHANGES: 'request-changes', REJECT: 'reject' };

export function isStepUpRequired(error: CombinedError | undefined): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === 'FORBIDDEN' && e.extensions?.reason === 'STEP_UP_REQUIRED');
}

export function isConflict(error: CombinedError | undefined): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
}

/** Where a fresh sign-in starts that comes back to path. */
export function freshSignInURL(path: string): string {
  return '/auth/login?step_up=1&return_to=' + encodeURIComponent(path);
}

/** Where a fresh sign-in starts that comes back to path with the decision marker. */
export function stepUpURL(path: string, kind: DecisionKind): string {
  return freshSignInURL(`${path}${path.includes('?') ? '&' : '?'}decide=${markers[kind]}`);
}

/** Keeps the decision for after the sign-in (this tab only). */
export function savePendingDecision(d: PendingDecision, storage: Storage = sessionStorage): void {
  storage.setItem(key, JSON.stringify(d));
}

/**
 * The decision to resume on this post, given the page's ?decide= marker; removed from storage so
 * that it resumes once. A marker without a kept decision still names the kind (empty comment).
 */
export function takePendingDecision(postId: string, marker: string | null, storage: Storage = sessionStorage): PendingDecision | null {
  if (!marker) return null;
  const kind = (Object.keys(markers) as DecisionKind[]).find((k) => markers[k] === marker);
  if (!kind) return null;
  let kept: PendingDecision | null = null;
  try {
    kept = JSON.parse(storage.getItem(key) ?? 'null') as PendingDecision | null;
  } catch {
    kept = null;
  }
  storage.removeItem(key);
  if (kept && kept.postId === postId && kept.kind === kind) return kept;
  return { postId, versionId: '', kind, comment: '' };
}
