import { Draft } from "./draft";
import { AllocationError } from "./errors";
import { DEFAULT_GROUP, groupName, unmet } from "./groups";
import { groupOf } from "./membership";
import { serveQueue } from "./pending";
import { type PolicyDefinition, validatePolicy } from "./policy";
import type { AllocState, GroupFigures, GroupState, Outcome, PolicyResult, ServeResult } from "./types";

/**
 * A new policy (saved, rolled back, or previewed: the same call without writing). Needs the FULL
 * state: every participant, since membership and each group's `held` are recomputed from all of
 * them. Refuses an invalid policy, including reservations beyond the pool. Takes nothing back
 * (spec rule 5): a group over a lowered max or short of a new reservation keeps what it holds.
 * Then serves the queue, since the change may let waiting participants take sessions at once.
 * The caller writes `group` and `maxGranted` of every participant, and the groups' `held`, from
 * `outcome.state`. `hostnames` maps participant ids to hostnames (an id missing: serial only).
 */
export function applyPolicy(
  state: AllocState,
  definition: PolicyDefinition,
  hostnames: ReadonlyMap<string, string>,
): Outcome<PolicyResult> {
  validatePolicy(definition, state.pool.poolSize);
  for (const key of ["granted", "pending"] as const) {
    const sum = state.participants.reduce((total, p) => total + p[key], 0);
    const counted = key === "granted" ? state.pool.grantedTotal : state.pool.pendingTotal;
    if (sum !== counted) {
      throw new AllocationError(
        "INCOMPLETE_STATE",
        `the participants given hold ${sum} ${key} sessions but the pool counts ${counted}; a policy change needs every participant`,
      );
    }
  }
  const totals = new Map<string, GroupTotals>();
  const participants = state.participants.map((p) => {
    const group = groupOf(definition, { serial: p.serial, hostname: hostnames.get(p.id) });
    const t = totals.get(group) ?? { members: 0, granted: 0, pending: 0 };
    t.members += 1;
    t.granted += p.granted;
    t.pending += p.pending;
    totals.set(group, t);
    const maxGranted = Object.hasOwn(definition.caps, p.serial) ? definition.caps[p.serial]! : null;
    return { ...p, group, maxGranted };
  });
  const held = Object.fromEntries([...totals].map(([name, t]) => [name, t.granted]));
  const outcome = enactPolicy({ pool: state.pool, participants }, definition, held);
  const groups = figuresAfter(definition, totals, outcome);
  return { ...outcome, result: { served: outcome.result.served, groups } };
}

/** A group's members and their Σ granted and Σ pending. */
export interface GroupTotals {
  members: number;
  granted: number;
  pending: number;
}

/**
 * Each group's figures (in the policy's order, `default` last) after `outcome` of a policy change,
 * from its totals before it (`before`, by group name) and the sessions the change served.
 */
export function figuresAfter(
  definition: PolicyDefinition,
  before: ReadonlyMap<string, GroupTotals>,
  outcome: Outcome<unknown>,
): GroupFigures[] {
  const groupById = new Map(outcome.state.participants.map((p) => [p.id, groupName(p)]));
  const delta = new Map<string, { granted: number; pending: number }>();
  for (const c of outcome.changes) {
    const name = groupById.get(c.id) ?? DEFAULT_GROUP;
    const d = delta.get(name) ?? { granted: 0, pending: 0 };
    d.granted += c.grantedDelta;
    d.pending += c.pendingDelta;
    delta.set(name, d);
  }
  const order = [...definition.groups, { name: DEFAULT_GROUP, reserve: 0 }];
  return order.map(({ name, reserve }) => {
    const t = before.get(name);
    const d = delta.get(name);
    const held = (t?.granted ?? 0) + (d?.granted ?? 0);
    return {
      name,
      members: t?.members ?? 0,
      held,
      unmet: unmet({ reserve, held }),
      pending: (t?.pending ?? 0) + (d?.pending ?? 0),
      served: d?.granted ?? 0,
    };
  });
}

/**
 * A new policy over participants whose membership the caller has decided already (`group` and
 * `maxGranted` set by `groupOf` and the caps, as `applyPolicy` does): `state` holds the pool and
 * at least every participant with pending demand, `held` each group's Σ granted under the new
 * membership (of all participants, not only those given). Refuses an invalid policy, takes
 * nothing back, and serves the queue. Lets a caller that resolved membership on its own (in the
 * database, away from the pool lock) apply the same rules without passing every participant.
 */
export function enactPolicy(
  state: AllocState,
  definition: PolicyDefinition,
  held: Readonly<Record<string, number>>,
): Outcome<ServeResult> {
  validatePolicy(definition, state.pool.poolSize);
  const groups: Record<string, GroupState> = {};
  for (const g of definition.groups) {
    groups[g.name] = {
      reserve: g.reserve,
      max: g.max,
      priority: g.priority,
      paused: g.paused,
      held: Object.hasOwn(held, g.name) ? held[g.name]! : 0,
    };
  }
  const draft = new Draft({ ...state, policy: { poolPaused: definition.poolPaused, groups } });
  return draft.finish({ served: serveQueue(draft) });
}
