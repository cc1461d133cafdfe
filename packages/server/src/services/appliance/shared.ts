import type { AllocState } from "@sls/allocator";
import { isSilent } from "@sls/allocator";
import type { ParticipantRecord, ParticipantRow, PoolTransaction, ServerRow } from "@sls/db";
import type { TBackup } from "../../contracts/appliance.ts";
import { SlsError } from "../../errors.ts";
import { loadState, reclaimIfSilent, toSnapshot } from "../allocation.ts";
import type { Services } from "../context.ts";
import type { Priority } from "../pool-queue.ts";

export function backupOf(server: ServerRow): TBackup {
  return server.backupAddress ? { address: server.backupAddress } : null;
}

export function requireConfigured(server: ServerRow | null): asserts server is ServerRow & { secretHash: string } {
  if (!server?.secretHash) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "The licensing server has no shared secret yet; the administrator must set one before appliances can register.",
    );
  }
  if (!server.enabled) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "The licensing server is disabled by its administrator; no new registrations or grants are issued.",
    );
  }
}

/** Who a bearer token names: enough to find the participant again under the pool lock. */
export interface AuthenticatedParticipant {
  id: string;
  serial: string;
  tokenHash: string;
}

/**
 * Runs `work` for the token's participant inside the pool lock, after reclaiming it if it fell
 * silent. The token is checked again under the lock, so a token superseded by a registration in
 * another process is refused exactly.
 */
export async function asParticipant<R>(
  services: Services,
  who: AuthenticatedParticipant,
  work: (tx: PoolTransaction, state: AllocState, now: number, current: ParticipantRecord) => Promise<R>,
  options: {
    issuing?: boolean;
    others?: (tx: PoolTransaction) => Promise<Array<ParticipantRow | null>>;
    purpose?: "request" | "any";
    requestId?: string;
    priority?: Priority;
    arrivedAt?: number | undefined;
  } = {},
): Promise<R> {
  const now = services.now();
  const others = options.others ?? (async () => []);
  const floor = services.leases.floor;
  return services.poolQueue.run(
    async (tx) => {
      const renewLease = await services.serving.guard(tx, now, options.issuing ?? false);
      const current = await tx.findParticipantById(who.id);
      if (!current || current.tokenHash !== who.tokenHash) throw badToken();
      const extra = (await others(tx)).filter((row): row is ParticipantRow => row !== null && row.id !== current.id);
      // A silent participant is reclaimed first, which frees sessions for the queue.
      const reclaiming = isSilent(toSnapshot(current, floor), now, tx.server.refreshIntervalSec);
      let state = await loadState(tx, [current, ...extra], reclaiming ? "any" : options.purpose, floor);
      state = await reclaimIfSilent(tx, state, current, now, `appliance:${current.serial}`);
      const result = await work(tx, state, now, current);
      if (renewLease) await tx.updateParticipant(current.id, { lastSeenAt: new Date(now) });
      return result;
    },
    {
      participantId: who.id,
      priority: options.priority ?? "request",
      arrivedAt: options.arrivedAt,
      ...(options.requestId ? { requestId: options.requestId } : {}),
    },
  );
}

export function badToken(): SlsError {
  return new SlsError(
    "BAD_TOKEN",
    "Missing, unknown or superseded bearer token; register again to get a new one and send it as 'Authorization: Bearer <token>'.",
  );
}
