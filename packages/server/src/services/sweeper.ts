import { reclaim, SILENT_AFTER_INTERVALS } from "@sls/allocator";
import { commitOutcome, loadState } from "./allocation.ts";
import type { Services } from "./context.ts";

const SWEEP_BATCH = 500;

/** Reclaims the grants and demand of participants silent for 3 refresh intervals. */
export async function sweepSilentParticipants(services: Services): Promise<number> {
  const server = await services.store.readServer();
  if (!server) return 0;
  const now = services.now();
  // A cheap unlocked look first, so an idle sweep never takes the pool lock.
  if (!(await services.store.hasSilentHolders(silentCutoff(now, server.refreshIntervalSec)))) return 0;
  return services.store.inPoolTransaction(async (tx) => {
    const silent = await tx.silentHolders(silentCutoff(now, tx.server.refreshIntervalSec), SWEEP_BATCH);
    let state = await loadState(tx, silent);
    const at = new Date(now);
    for (const participant of silent) {
      const outcome = reclaim(state, participant.id, "reclaim");
      await commitOutcome(tx, state, outcome, at, "system:sweep");
      await tx.updateParticipant(participant.id, { reclaimedAt: at });
      state = outcome.state;
    }
    if (silent.length > 0) services.log.info("reclaimed silent participants", { count: silent.length, serials: silent.slice(0, 20).map((p) => p.serial) });
    return silent.length;
  });
}

export function silentCutoff(now: number, refreshIntervalSec: number): Date {
  return new Date(now - SILENT_AFTER_INTERVALS * refreshIntervalSec * 1000);
}
