import { availableSessions, headroom } from "./capacity";
import { AllocationError, quote } from "./errors";
import type { AllocState, GroupState, ParticipantSnapshot, PolicyState, PoolSnapshot } from "./types";

/** The group of every participant that no group names or matches. It cannot be named. */
export const DEFAULT_GROUP = "default";

const DEFAULT_STATE: Readonly<GroupState> = Object.freeze({
  reserve: 0,
  max: null,
  priority: 0,
  paused: false,
  held: 0,
});

export function groupName(p: Pick<ParticipantSnapshot, "group">): string {
  return p.group ?? DEFAULT_GROUP;
}

/**
 * The rules of a participant's group. `default` gets its fixed figures (its `held` is not kept:
 * it has no reserve and no max, so no rule reads it). A group the state lacks is a caller bug.
 */
export function groupStateOf(policy: PolicyState, p: Pick<ParticipantSnapshot, "group" | "serial">): GroupState {
  const name = groupName(p);
  if (name === DEFAULT_GROUP) return DEFAULT_STATE;
  // hasOwn: a group may be called "constructor", which every plain object inherits.
  if (!Object.hasOwn(policy.groups, name)) {
    throw new AllocationError(
      "UNKNOWN_GROUP",
      `participant ${quote(p.serial)} belongs to group ${quote(name)}, which the policy state lacks; pass every group of the policy`,
    );
  }
  return policy.groups[name]!;
}

/** Reserved sessions a group does not hold yet: max(0, reserve − held). */
export function unmet(group: Pick<GroupState, "reserve" | "held">): number {
  return Math.max(0, group.reserve - group.held);
}

export function reservedTotal(policy: PolicyState): number {
  return Object.values(policy.groups).reduce((sum, g) => sum + g.reserve, 0);
}

/**
 * Sessions this participant could be granted now, were it to ask (spec rules 1, 2 and 4): the
 * free sessions less the other groups' unmet reservations, within its group's max and its own
 * cap; 0 while its group or the pool is paused. Without a policy: the free sessions.
 */
export function grantRoom(
  pool: Pick<PoolSnapshot, "poolSize" | "grantedTotal">,
  policy: PolicyState | undefined,
  p: ParticipantSnapshot,
): number {
  const free = availableSessions(pool);
  if (policy === undefined) return free;
  const group = groupStateOf(policy, p);
  if (policy.poolPaused || group.paused) return 0;
  let othersUnmet = 0;
  for (const name in policy.groups) {
    const g = policy.groups[name]!;
    if (g !== group) othersUnmet += unmet(g);
  }
  let room = free - othersUnmet;
  if (group.max !== null) room = Math.min(room, group.max - group.held);
  return Math.max(0, Math.min(room, capRoom(p)));
}

/** Sessions below the participant's own cap (Infinity without one). */
export function capRoom(p: Pick<ParticipantSnapshot, "granted" | "maxGranted">): number {
  return p.maxGranted == null ? Number.POSITIVE_INFINITY : p.maxGranted - p.granted;
}

/** What a participant may take now: its platform headroom within its grant room. */
export function allowance(state: Pick<AllocState, "pool" | "policy">, p: ParticipantSnapshot): number {
  return Math.min(Math.max(0, headroom(p)), grantRoom(state.pool, state.policy, p));
}
