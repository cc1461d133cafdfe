import { DEFAULT_GROUP } from "@sls/allocator";
import type { GroupTotals } from "@sls/db";
import type { TGroupUsage } from "../../contracts/admin/overview.ts";
import type { Services } from "../context.ts";
import { definitionOf } from "../pool/policy-in-force.ts";

/**
 * Per pool-policy group, in the policy's order with `default` last: its members, what they hold,
 * the part of its reservation nobody holds (kept from everyone else, so neither used nor free),
 * its pending demand and its max. Empty while no policy is in force. The held and pending figures
 * come from one aggregate over the participants, so they are of one moment.
 */
export async function groupUsage(services: Pick<Services, "store">): Promise<TGroupUsage[]> {
  const row = await services.store.policyInForce();
  if (!row) return [];
  const definition = definitionOf(row);
  const totals = new Map<string | null, GroupTotals>();
  for (const t of await services.store.participantQueries.groupTotals()) totals.set(t.group, t);
  const groups = [...definition.groups, { name: DEFAULT_GROUP, reserve: 0, max: null, paused: definition.poolPaused }];
  return groups.map((g) => {
    const t = totals.get(g.name === DEFAULT_GROUP ? null : g.name);
    const held = t?.granted ?? 0;
    return {
      name: g.name,
      members: t?.members ?? 0,
      held,
      reserve: g.reserve,
      reservedUnused: Math.max(0, g.reserve - held),
      pending: t?.pending ?? 0,
      max: g.max,
      paused: g.paused || definition.poolPaused,
    };
  });
}
