import { Draft } from "./draft";
import type { AllocState, Outcome, ServeResult } from "./types";

/**
 * Hands available sessions to the queue, oldest ask first (ties by id), as much as each waits
 * for; the last one served may get only part of its ask.
 */
export function servePending(state: AllocState): Outcome<ServeResult> {
  const draft = new Draft(state);
  const served = serveQueue(draft);
  return draft.finish({ served });
}

export function serveQueue(draft: Draft): number {
  if (draft.available === 0) return 0;
  let served = 0;
  for (const p of draft.queue()) {
    const give = Math.min(p.pending, draft.available);
    if (give === 0) break;
    draft.apply(p, "grant-pending", give, -give);
    served += give;
  }
  return served;
}
