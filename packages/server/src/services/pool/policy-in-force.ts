import { DEFAULT_GROUP, groupOf, type PolicyDefinition, type PolicyState } from "@sls/allocator";
import type { PolicyMembership, PolicyVersionRow, PoolTransaction } from "@sls/db";
import { type TPolicyDefinition, ZPolicyDefinition } from "../../contracts/admin/policy.ts";

/** Parsed once per stored version row (the store caches the rows; a version never changes). */
const parsed = new WeakMap<PolicyVersionRow, TPolicyDefinition>();

/** A stored version's definition, checked by its schema: a row that fails it is a broken database. */
export function definitionOf(row: PolicyVersionRow): TPolicyDefinition {
  let definition = parsed.get(row);
  if (definition === undefined) {
    const result = ZPolicyDefinition.safeParse(JSON.parse(row.definition));
    if (!result.success) {
      throw new Error(`pool policy version ${row.version} does not match its schema: ${result.error.message}`);
    }
    definition = result.data;
    parsed.set(row, definition);
  }
  return definition;
}

/** The definition in force in this transaction, or undefined without a policy. */
export async function policyInForce(tx: PoolTransaction): Promise<TPolicyDefinition | undefined> {
  const version = tx.server.policyVersion;
  if (version === null) return undefined;
  const row = await tx.policyVersion(version);
  if (!row) throw new Error(`Server.policyVersion names version ${version}, which is not stored`);
  return definitionOf(row);
}

/** The allocator's view of a definition with the groups' held counters as this transaction has them. */
export function policyStateOf(definition: PolicyDefinition, held: Readonly<Record<string, number>>): PolicyState {
  const groups: PolicyState["groups"] = {};
  for (const g of definition.groups) {
    groups[g.name] = {
      reserve: g.reserve,
      max: g.max,
      priority: g.priority,
      paused: g.paused,
      held: held[g.name] ?? 0,
    };
  }
  return { poolPaused: definition.poolPaused, groups };
}

/** The held counters to store from a policy state. */
export function heldOf(policy: PolicyState): Record<string, number> {
  const held: Record<string, number> = {};
  for (const name in policy.groups) held[name] = policy.groups[name]!.held;
  return held;
}

/** A participant's group and cap under `definition` (spec "Membership"), as its row stores them. */
export function membershipOf(
  definition: PolicyDefinition,
  who: { serial: string; hostname: string },
): PolicyMembership {
  const group = groupOf(definition, who);
  return {
    policyGroup: group === DEFAULT_GROUP ? null : group,
    maxGranted: Object.hasOwn(definition.caps, who.serial) ? definition.caps[who.serial]! : null,
  };
}

/**
 * The groups' held counters counted from participant rows: after rows were written other than
 * through the allocator (a backup's hand-back, which served without the policy).
 */
export function heldFromRows(
  definition: PolicyDefinition,
  rows: Iterable<{ policyGroup: string | null; granted: number }>,
): Record<string, number> {
  const held: Record<string, number> = Object.fromEntries(definition.groups.map((g) => [g.name, 0]));
  for (const row of rows)
    if (row.policyGroup !== null && Object.hasOwn(held, row.policyGroup)) held[row.policyGroup]! += row.granted;
  return held;
}
