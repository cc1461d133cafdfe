import { Draft } from "./draft";
import { groupName } from "./groups";
import { servableGroups } from "./servable";
import type { AllocState, Outcome, ServeResult } from "./types";

/**
 * Hands available sessions to the queue, as much as each waits for: by group priority, then
 * oldest ask first (ties by id). The last one served may get only part of its ask.
 */
export function servePending(state: AllocState): Outcome<ServeResult> {
  const draft = new Draft(state);
  const served = serveQueue(draft);
  return draft.finish({ served });
}

/**
 * One pass suffices: a grant never raises anyone's room (it lowers the free sessions at least
 * as much as it lowers any unmet reservation), so a participant skipped for lack of room (its
 * group's max, its cap, a pause, the others' reservations) stays skipped and blocks nobody.
 */
export function serveQueue(draft: Draft): number {
  if (draft.available === 0) return 0;
  let served = 0;
  // Once a grant leaves the free sessions all covered by unmet reservations, only the members of
  // the groups short of theirs can have room (`servableGroups`): the rest are passed over
  // without working out their room, which matters for a long queue behind an unused reservation.
  let onlyGroups: ReadonlySet<string> | null = null;
  for (const p of draft.queue()) {
    if (onlyGroups !== null && !onlyGroups.has(groupName(p))) continue;
    const give = Math.min(p.pending, draft.grantRoom(p));
    draft.apply(p, "grant-pending", give, -give); // records nothing when it gives nothing
    served += give;
    if (draft.available === 0) break;
    if (give > 0 && draft.policy !== undefined) {
      const servable = servableGroups(draft.pool, draft.policy);
      if (servable === "none") break;
      onlyGroups = servable === "all" ? null : new Set(servable);
    }
  }
  return served;
}
