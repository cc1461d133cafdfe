import { Draft } from "./draft";
import { AllocationError } from "./errors";
import { DEFAULT_GROUP, groupName, unmet } from "./groups";
import { groupOf } from "./membership";
import { serveQueue } from "./pending";
import { type PolicyDefinition, validatePolicy } from "./policy";
import type { AllocState, GroupFigures, GroupState, Outcome, ParticipantChange, PolicyResult } from "./types";

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
  const groups: Record<string, GroupState> = {};
  for (const g of definition.groups) {
    groups[g.name] = { reserve: g.reserve, max: g.max, priority: g.priority, paused: g.paused, held: 0 };
  }
  const participants = state.participants.map((p) => {
    const group = groupOf(definition, { serial: p.serial, hostname: hostnames.get(p.id) });
    if (group !== DEFAULT_GROUP) groups[group]!.held += p.granted;
    const maxGranted = Object.hasOwn(definition.caps, p.serial) ? definition.caps[p.serial]! : null;
    return { ...p, group, maxGranted };
  });

  const draft = new Draft({ pool: state.pool, participants, policy: { poolPaused: definition.poolPaused, groups } });
  const served = serveQueue(draft);
  const outcome = draft.finish({ served, groups: [] as GroupFigures[] });
  const order = [...definition.groups, { name: DEFAULT_GROUP, reserve: 0 }];
  outcome.result.groups = order.map((g) => figuresOf(g, outcome.state, outcome.changes));
  return outcome;
}

function figuresOf(
  { name, reserve }: { name: string; reserve: number },
  state: AllocState,
  changes: readonly ParticipantChange[],
): GroupFigures {
  const members = state.participants.filter((p) => groupName(p) === name);
  const ids = new Set(members.map((p) => p.id));
  const held = members.reduce((sum, p) => sum + p.granted, 0);
  return {
    name,
    members: members.length,
    held,
    unmet: unmet({ reserve, held }),
    pending: members.reduce((sum, p) => sum + p.pending, 0),
    served: changes.filter((c) => ids.has(c.id)).reduce((sum, c) => sum + c.grantedDelta, 0),
  };
}
