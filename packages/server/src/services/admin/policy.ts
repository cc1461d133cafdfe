import {
  type AllocState,
  applyPolicy,
  DEFAULT_GROUP,
  type Outcome,
  type PolicyDefinition,
  type PolicyResult,
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
 * admin.policy.preview: what `save` of the same definition would do now, on the whole pool under
 * the pool lock (so the counters and the participants are one moment), writing nothing.
 */
export function previewPolicy(services: PolicyServices, definition: PolicyDefinition): Promise<TPolicyEffect> {
  return services.store.inPoolTransaction(async (tx) => {
    const { outcome } = await applyToAll(tx, definition);
    return effectOf(definition, outcome);
  });
}

/** admin.policy.save: a new version in force at once; serves whatever it lets waiting participants take. */
export function savePolicy(
  services: PolicyServices,
  by: AccountRow,
  definition: PolicyDefinition,
): Promise<TPolicySaved> {
  return services.store.inPoolTransaction((tx) => putInForce(tx, services.now(), by, definition, null));
}

/** admin.policy.rollback: a new version equal to `version`. */
export function rollbackPolicy(services: PolicyServices, by: AccountRow, version: number): Promise<TPolicySaved> {
  return services.store.inPoolTransaction(async (tx) => {
    const row = await tx.policyVersion(version);
    if (!row) throw new SlsError("NOT_FOUND", `Policy version ${version} was never saved; pick one from the history.`);
    return putInForce(tx, services.now(), by, definitionOf(row), version);
  });
}

async function putInForce(
  tx: PoolTransaction,
  now: number,
  by: AccountRow,
  definition: PolicyDefinition,
  restores: number | null,
): Promise<TPolicySaved> {
  const at = new Date(now);
  const actor = adminActor(by);
  const previous = (await policyInForce(tx)) ?? NO_POLICY;
  const { state, outcome } = await applyToAll(tx, definition);
  const saved = await tx.savePolicyVersion(
    { definition: JSON.stringify(definition), savedBy: actor, savedAt: at, restores },
    heldOf(outcome.state.policy!),
  );
  await commitOutcome(tx, state, outcome, at, actor, { membership: true });
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
  return { version: saved.version, ...effectOf(definition, outcome) };
}

/** The whole pool, every participant, under the policy in force (if any), and `definition` applied to it. */
async function applyToAll(
  tx: PoolTransaction,
  definition: PolicyDefinition,
): Promise<{ state: AllocState; outcome: Outcome<PolicyResult> }> {
  const rows = await tx.allParticipants();
  const { poolSize, grantedTotal, pendingTotal, pendingSeq } = tx.server;
  const state: AllocState = {
    pool: { poolSize, grantedTotal, pendingTotal, pendingSeq },
    participants: rows.map((row) => toSnapshot(row)),
  };
  const policy = await loadPolicy(tx);
  if (policy) state.policy = policy;
  const hostnames = new Map(rows.map((row) => [row.id, row.hostname]));
  return { state, outcome: applyPolicy(state, definition, hostnames) };
}

function effectOf(definition: PolicyDefinition, outcome: Outcome<PolicyResult>): TPolicyEffect {
  const serials = new Map<string, string[]>();
  for (const p of outcome.state.participants) {
    const group = p.group ?? DEFAULT_GROUP;
    const list = serials.get(group) ?? [];
    list.push(p.serial);
    serials.set(group, list);
  }
  const rules = new Map(definition.groups.map((g) => [g.name, g]));
  return {
    served: outcome.result.served,
    groups: outcome.result.groups.map((g) => ({
      ...g,
      memberSerials: (serials.get(g.name) ?? []).sort().slice(0, MEMBERS_LISTED),
      reserve: rules.get(g.name)?.reserve ?? 0,
      max: rules.get(g.name)?.max ?? null,
    })),
  };
}
