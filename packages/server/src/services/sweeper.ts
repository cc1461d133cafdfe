import { reclaim, SILENT_AFTER_INTERVALS } from "@sls/allocator";
import { commitOutcome, loadState } from "./pool/allocation.ts";
import type { Services } from "./context.ts";

const SWEEP_BATCH = 500;

/** Reclaims the grants and demand of participants silent for 3 refresh intervals. */
export async function sweepSilentParticipants(
  services: Pick<Services, "store" | "now" | "log" | "leases">,
): Promise<number> {
  const server = await services.store.readServer();
  if (!server) return 0;
  const now = services.now();
  const floor = services.leases.floor;
  // Renewals still in memory are written first, so this process never reclaims what it renewed.
  await services.leases.flush();
  // A cheap unlocked look first, so an idle sweep never takes the pool lock.
  const cutoff = sweepCutoff(now, server.refreshIntervalSec, floor);
  if (!cutoff || !(await services.store.hasSilentHolders(cutoff))) return 0;
  return services.store.inPoolTransaction(async (tx) => {
    const lockedCutoff = sweepCutoff(now, tx.server.refreshIntervalSec, floor);
    const silent = lockedCutoff ? await tx.silentHolders(lockedCutoff, SWEEP_BATCH) : [];
    let state = await loadState(tx, silent, "always", floor);
    const at = new Date(now);
    for (const participant of silent) {
      const outcome = reclaim(state, participant.id, "reclaim");
      await commitOutcome(tx, state, outcome, at, "system:sweep");
      await tx.updateParticipant(participant.id, { reclaimedAt: at });
      state = outcome.state;
    }
    if (silent.length > 0)
      services.log.info("reclaimed silent participants", {
        count: silent.length,
        serials: silent.slice(0, 20).map((p) => p.serial),
      });
    return silent.length;
  });
}

/**
 * Participants last seen before this are silent, counting silence from `floor` (Leases.floor) at
 * the earliest; null while nobody can be (the floor is less than 3 intervals ago).
 */
function sweepCutoff(now: number, refreshIntervalSec: number, floor: number): Date | null {
  const cutoff = silentCutoff(now, refreshIntervalSec);
  return floor < cutoff.getTime() ? cutoff : null;
}

function silentCutoff(now: number, refreshIntervalSec: number): Date {
  return new Date(now - SILENT_AFTER_INTERVALS * refreshIntervalSec * 1000);
}
