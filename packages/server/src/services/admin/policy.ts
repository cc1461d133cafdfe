import {
  type AllocState,
  applyPolicy,
  DEFAULT_GROUP,
  enactPolicy,
  figuresAfter,
  type GroupFigures,
  type GroupTotals,
  type PolicyDefinition,
  validatePolicy,
} from "@sls/allocator";
import type { AccountRow, PoolTransaction } from "@sls/db";
import {
  MEMBERS_LISTED,
  type TPolicy,
  type TPolicyEffect,
  type TPolicyDefinition,
  type TPolicyHistory,
  type TPolicySaved,
} from "../../contracts/admin/policy.ts";
import { SlsError } from "../../errors.ts";
import { iso } from "../../routers/dto.ts";
import type { Services } from "../context.ts";
import { commitOutcome, loadPolicy, toSnapshot } from "../pool/allocation.ts";
import {
  type DecidedMembership,
  decideMembership,
  serialsByGroup,
  settleMembership,
} from "../pool/policy-membership.ts";
import { definitionOf, heldOf, policyInForce } from "../pool/policy-in-force.ts";
import { adminActor } from "./events.ts";
import { policyDiff } from "./policy-diff.ts";

type PolicyServices = Pick<Services, "store" | "now">;

const NO_POLICY: TPolicyDefinition = { groups: [], poolPaused: false, caps: {} };

/** admin.policy.get: the version in force; while none was saved, an empty one (first come, first served). */
export async function readPolicy(services: Pick<Services, "store">): Promise<TPolicy> {
  const row = await services.store.policyInForce();
  if (!row) return { version: null, savedBy: null, savedAt: null, definition: NO_POLICY };
  return { version: row.version, savedBy: row.savedBy, savedAt: iso(row.savedAt), definition: definitionOf(row) };
}

export async function policyHistory(services: Pick<Services, "store">): Promise<TPolicyHistory> {
  return (await services.store.policyHistory()).map((row) => ({
    version: row.version,
    savedBy: row.savedBy,
    savedAt: iso(row.savedAt),
    restores: row.restores,
    definition: definitionOf(row),
  }));
}

/**
 * admin.policy.preview: what `save` of the same definition would do now, on every participant
 * and the pool's counters read at one instant, without the pool lock (it writes nothing).
 */
export async function previewPolicy(services: PolicyServices, definition: PolicyDefinition): Promise<TPolicyEffect> {
  const { server, participants } = await services.store.poolSnapshot();
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = server;
  const state: AllocState = {
    pool: { poolSize, grantedTotal, pendingTotal, pendingSeq },
    participants: participants.map((row) => toSnapshot(row)),
  };
  const outcome = applyPolicy(state, definition, new Map(participants.map((row) => [row.id, row.hostname])));
  const serials = new Map<string, string[]>();
  for (const p of outcome.state.participants) listed(serials, p.group ?? DEFAULT_GROUP).push(p.serial);
  return effectOf(definition, outcome.result, serials);
}

/**
 * admin.policy.save: a new version in force at once; serves whatever it lets waiting participants
 * take. Membership is decided before the pool lock is taken (see `decideMembership`).
 */
export async function savePolicy(
  services: PolicyServices,
  by: AccountRow,
  definition: PolicyDefinition,
): Promise<TPolicySaved> {
  const decided = await decideAhead(services, definition);
  const put = await services.store.inPoolTransaction((tx) =>
    putInForce(tx, services.now(), by, definition, null, decided),
  );
  return savedEffect(definition, put, decided);
}

/** admin.policy.rollback: a new version equal to `version`. */
export async function rollbackPolicy(services: PolicyServices, by: AccountRow, version: number): Promise<TPolicySaved> {
  const row = await services.store.policyVersion(version);
  if (!row) throw new SlsError("NOT_FOUND", `Policy version ${version} was never saved; pick one from the history.`);
  const definition = definitionOf(row);
  const decided = await decideAhead(services, definition);
  const put = await services.store.inPoolTransaction((tx) =>
    putInForce(tx, services.now(), by, definition, version, decided),
  );
  return savedEffect(definition, put, decided);
}

/** The figures a save answers, listed once the lock is released (sorting every member's serial takes a while). */
function savedEffect(definition: PolicyDefinition, put: PutInForce, decided: DecidedMembership): TPolicySaved {
  return { version: put.version, ...effectOf(definition, put.figures, serialsByGroup(decided)) };
}

interface PutInForce {
  version: number;
  figures: { served: number; groups: GroupFigures[] };
}

/** Refuses an invalid policy before reading every participant; under the lock it is checked again. */
async function decideAhead(services: PolicyServices, definition: PolicyDefinition): Promise<DecidedMembership> {
  const server = await services.store.readServer();
  if (server) validatePolicy(definition, server.poolSize);
  return decideMembership(services.store, definition);
}

/**
 * Under the pool lock: the memberships decided ahead brought up to date and written, each group's
 * held counted by the database, and the policy applied to the pool and its queue (the only
 * participants it can change), so the lock is held for the writes, not for the matching.
 */
async function putInForce(
  tx: PoolTransaction,
  now: number,
  by: AccountRow,
  definition: PolicyDefinition,
  restores: number | null,
  decided: DecidedMembership,
): Promise<PutInForce> {
  const at = new Date(now);
  const actor = adminActor(by);
  validatePolicy(definition, tx.server.poolSize);
  const previous = (await policyInForce(tx)) ?? NO_POLICY;
  await settleMembership(tx, definition, decided);
  const totals = await totalsByGroup(tx);
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
  const queue = pendingTotal > 0 ? await tx.pendingQueue() : [];
  const state: AllocState = {
    pool: { poolSize, grantedTotal, pendingTotal, pendingSeq },
    participants: queue.map((row) => toSnapshot(row)),
  };
  const policy = await loadPolicy(tx);
  if (policy) state.policy = policy;
  const held = Object.fromEntries([...totals].map(([name, t]) => [name, t.granted]));
  const outcome = enactPolicy(state, definition, held);
  const saved = await tx.savePolicyVersion(
    { definition: JSON.stringify(definition), savedBy: actor, savedAt: at, restores },
    heldOf(outcome.state.policy!),
  );
  await commitOutcome(tx, state, outcome, at, actor);
  await tx.audit([
    {
      at,
      type: "admin.policy",
      actor,
      detail: {
        version: saved.version,
        restores,
        served: outcome.result.served,
        changes: policyDiff(previous, definition),
      },
    },
  ]);
  return {
    version: saved.version,
    figures: { served: outcome.result.served, groups: figuresAfter(definition, totals, outcome) },
  };
}

/** Each group's totals as the database counts them, checked against the pool's counters. */
async function totalsByGroup(tx: PoolTransaction): Promise<Map<string, GroupTotals>> {
  const totals = new Map<string, GroupTotals>();
  let granted = 0;
  let pending = 0;
  for (const row of await tx.groupTotals()) {
    totals.set(row.policyGroup ?? DEFAULT_GROUP, row);
    granted += row.granted;
    pending += row.pending;
  }
  const { grantedTotal, pendingTotal } = tx.server;
  if (granted !== grantedTotal || pending !== pendingTotal) {
    throw new Error(
      `the participants hold ${granted} granted and ${pending} pending sessions but the pool counts ${grantedTotal} and ${pendingTotal}`,
    );
  }
  return totals;
}

function listed(lists: Map<string, string[]>, name: string): string[] {
  let list = lists.get(name);
  if (list === undefined) {
    list = [];
    lists.set(name, list);
  }
  return list;
}

function effectOf(
  definition: PolicyDefinition,
  result: { served: number; groups: GroupFigures[] },
  serials: ReadonlyMap<string, string[]>,
): TPolicyEffect {
  const rules = new Map(definition.groups.map((g) => [g.name, g]));
  return {
    served: result.served,
    groups: result.groups.map((g) => ({
      ...g,
      memberSerials: [...(serials.get(g.name) ?? [])].sort().slice(0, MEMBERS_LISTED),
      reserve: rules.get(g.name)?.reserve ?? 0,
      max: rules.get(g.name)?.max ?? null,
    })),
  };
}
