import { SILENT_AFTER_INTERVALS } from "@sls/allocator";
import type { ParticipantRow, ParticipantState, StateCutoffs } from "@sls/db";
import type { Services } from "./context.ts";

/**
 * Room past each missed refresh before it counts as missed: the appliance's timer is jittered by
 * ±10 % of the interval (the protocol's rule), and the call crosses a network.
 */
const MISSED_REFRESH_ALLOWANCE = 0.25;

/**
 * Late: one refresh interval missed; silent: two; expired: three, when the sweep reclaims its
 * grant (the reclaim rule, unchanged, has no allowance).
 */
export function stateCutoffs(now: number, refreshIntervalSec: number): StateCutoffs {
  const interval = refreshIntervalSec * 1000;
  return {
    late: new Date(now - (1 + MISSED_REFRESH_ALLOWANCE) * interval),
    silent: new Date(now - (2 + MISSED_REFRESH_ALLOWANCE) * interval),
    expired: new Date(now - SILENT_AFTER_INTERVALS * interval),
  };
}

export async function currentStateCutoffs(services: Pick<Services, "store" | "now">): Promise<StateCutoffs> {
  const server = await services.store.readServer();
  return stateCutoffs(services.now(), server?.refreshIntervalSec ?? 30);
}

export function stateOf(row: Pick<ParticipantRow, "approved" | "lastSeenAt">, cutoffs: StateCutoffs): ParticipantState {
  if (!row.approved) return "awaiting-approval";
  const seen = row.lastSeenAt.getTime();
  if (seen >= cutoffs.late.getTime()) return "active";
  if (seen >= cutoffs.silent.getTime()) return "late";
  if (seen >= cutoffs.expired.getTime()) return "silent";
  return "expired";
}
