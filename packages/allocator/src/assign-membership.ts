import { Draft } from "./draft";
import { AllocationError, quote } from "./errors";
import { DEFAULT_GROUP, groupName } from "./groups";
import { serveQueue } from "./pending";
import type { AllocState, Outcome, ServeResult } from "./types";

export interface Membership {
  group: string;
  maxGranted: number | null;
}

/**
 * A registration decided a participant's membership anew (`groupOf` over its new hostname, its
 * cap from the policy). Its grant moves with it to the new group, which may leave that group over
 * its max: as with a policy change, nothing is taken back (spec rule 5). The old group may now
 * have room, so the queue is served. The caller writes the participant's `group` and
 * `maxGranted`, and the groups' `held`, from `outcome.state`.
 */
export function assignMembership(
  state: AllocState,
  participantId: string,
  membership: Membership,
): Outcome<ServeResult> {
  const draft = new Draft(state);
  const p = draft.participant(participantId);
  const policy = draft.policy;
  if (policy === undefined) return draft.finish({ served: 0 });
  if (membership.group !== DEFAULT_GROUP && !Object.hasOwn(policy.groups, membership.group)) {
    throw new AllocationError(
      "UNKNOWN_GROUP",
      `participant ${quote(p.serial)} cannot join group ${quote(membership.group)}, which the policy state lacks; pass every group of the policy`,
    );
  }
  const from = groupName(p);
  if (from !== DEFAULT_GROUP) draft.addHeld(from, -p.granted);
  if (membership.group !== DEFAULT_GROUP) draft.addHeld(membership.group, p.granted);
  p.group = membership.group;
  p.maxGranted = membership.maxGranted;
  return draft.finish({ served: serveQueue(draft) });
}
