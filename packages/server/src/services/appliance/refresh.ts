import { SILENT_AFTER_INTERVALS } from "@sls/allocator";
import type { TRefreshInput, TRefreshOutput } from "../../contracts/appliance.ts";
import { SlsError } from "../../errors.ts";
import type { Services } from "../context.ts";
import type { Lease } from "../leases/lease-table.ts";
import { WRITE_THROUGH_MARGIN_MS } from "../leases/leases.ts";
import { runAsParticipant } from "./locked-calls.ts";
import { type AuthenticatedParticipant, backupOf } from "./shared.ts";

/**
 * Refresh from memory: the lease the token named (trpc.ts authenticateLease) is renewed in this
 * process's lease table and written behind (services/leases). Null sends the call down the locked
 * path: an inUse above the platform limit, a participant silent while holding sessions (it is
 * reclaimed first), or a backup server (which always takes the lock).
 */
export async function refreshFromLease(
  services: Services,
  lease: Lease,
  input: TRefreshInput,
): Promise<TRefreshOutput | null> {
  if (services.serving.refreshTakesLock) return null;
  const server = await services.settings.get();
  if (!server) return null;
  if (input.inUse > lease.platformLimit) return null;
  const now = services.now();
  const silentBefore = now - SILENT_AFTER_INTERVALS * server.refreshIntervalSec * 1000;
  if ((lease.granted > 0 || lease.pending > 0) && lease.lastSeenAt < silentBefore) return null;
  services.leases.table.renew(lease, input.inUse, now);
  if (lease.persistedAt < silentBefore + WRITE_THROUGH_MARGIN_MS) await services.leases.writeThrough();
  return {
    granted: lease.granted,
    pending: lease.pending,
    refreshIntervalSec: server.refreshIntervalSec,
    backup: backupOf(server),
  };
}

/** The locked refresh: reclaims a silent participant first, and activates a backup server. */
export async function refresh(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TRefreshInput,
  arrivedAt?: number,
): Promise<TRefreshOutput> {
  return runAsParticipant(services, { participant, priority: "refresh", arrivedAt }, async ({ tx, state, current }) => {
    if (input.inUse > current.platformLimit) {
      throw new SlsError(
        "INVALID_INPUT",
        `inUse must be between 0 and the platform limit ${current.platformLimit}; got ${input.inUse}.`,
      );
    }
    await tx.updateParticipant(current.id, {
      inUse: input.inUse,
      highWater: Math.max(current.highWater, input.inUse),
    });
    const self = state.participants.find((p) => p.id === current.id)!;
    return {
      granted: self.granted,
      pending: self.pending,
      refreshIntervalSec: tx.server.refreshIntervalSec,
      backup: backupOf(tx.server),
    };
  });
}
