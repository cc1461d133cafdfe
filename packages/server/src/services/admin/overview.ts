import { DAY_MS } from "@sls/allocator";
import type { Services } from "../context.ts";
import { groupUsage } from "./group-usage.ts";
import { currentStateCutoffs } from "../liveness.ts";
import { MESSAGE_TYPES } from "../counters.ts";
import { readSettings } from "./settings.ts";

/** Late and silent participants the overview names; its counts cover them all. */
const LATE_LISTED = 20;

/** Everything the overview page shows, read in parallel. */
export async function overview(
  services: Pick<Services, "store" | "now" | "leases" | "secrets" | "shed" | "backupCheck">,
) {
  // In-use figures and leases are renewed in memory and written behind: show the latest.
  await services.leases.flush();
  const now = services.now();
  const cutoffs = await currentStateCutoffs(services);
  const [server, usage, states, late, backup, counters, handback, inUseTotals, groups] = await Promise.all([
    readSettings(services),
    services.store.usage.current(new Date(now)),
    services.store.participantQueries.countByState(cutoffs),
    services.store.liveness.lateList(cutoffs, LATE_LISTED),
    services.store.overview.backupStatus(),
    services.store.serverCounters(),
    services.store.backup.lastHandbackOutcome(),
    services.store.operations.inUseTotals(),
    groupUsage(services),
  ]);
  const poolSize = server.poolSize;
  const granted = server.grantedTotal;
  return {
    configured: server.secretHash !== null,
    /** Whether the secret has the minimum length; "unknown" until an appliance registers with an older one. */
    secretLength: server.secretHash === null ? null : services.secrets.lengthOf(server.secretHash),
    enabled: server.enabled,
    approvalRequired: server.approvalRequired,
    pool: {
      poolSize,
      granted,
      available: poolSize - granted,
      pending: server.pendingTotal,
      inUse: usage?.inUse ?? 0,
      /** In use beyond each appliance's local limit (at most its grant): what the pool really serves. */
      inUseFromPool: inUseTotals.inUseFromPool,
      utilisationPct: poolSize > 0 ? (granted / poolSize) * 100 : granted > 0 ? 100 : 0,
      alertThresholdPct: server.alertThresholdPct,
    },
    participants: {
      total: usage?.participants ?? 0,
      active: states.active,
      late: states.late,
      silent: states.silent,
      expired: states.expired,
      awaitingApproval: states["awaiting-approval"],
    },
    lateParticipants: late.map((p) => ({
      serial: p.serial,
      hostname: p.hostname,
      state: p.lastSeenAt < cutoffs.silent ? ("silent" as const) : ("late" as const),
      lastSeenAt: p.lastSeenAt.toISOString(),
    })),
    groups,
    backup: {
      configured: Boolean(backup?.serial),
      address: backup?.address ?? null,
      serial: backup?.serial ?? null,
      peerSerial: backup?.peerSerial ?? null,
      registered: Boolean(backup?.registered?.approved),
      lastSeenAt: backup?.registered?.lastSeenAt ?? null,
      lastSyncAt: backup?.lastSyncAt ?? null,
      active: backup?.active ?? false,
      operatingDaysLeft: backup?.remainingMs != null ? backup.remainingMs / DAY_MS : null,
      /** The hand-back call has been failing since `at` (null: it works, or was never needed). */
      handbackFailure:
        handback?.failed && backup?.address
          ? { at: handback.at, cause: String(handback.detail.cause ?? "unknown") }
          : null,
      addressCheck:
        backup?.address && services.backupCheck.last
          ? {
              answers: services.backupCheck.last.answers,
              cause: services.backupCheck.last.cause,
              at: new Date(services.backupCheck.last.at).toISOString(),
            }
          : null,
    },
    counters: counterTotals(counters),
    /** Calls this process refused as OVERLOADED in the last minute. */
    shedLastMinute: services.shed.lastMinute(now),
    servers: [...new Set(counters.map((c) => c.serverId))].sort(),
  };
}

/** Received / answered / failed per message type, summed over every server process. */
function counterTotals(rows: Array<{ messageType: string; received: number; answered: number; failed: number }>) {
  return MESSAGE_TYPES.map((messageType) => {
    const mine = rows.filter((row) => row.messageType === messageType);
    return {
      messageType,
      received: mine.reduce((sum, row) => sum + row.received, 0),
      answered: mine.reduce((sum, row) => sum + row.answered, 0),
      failed: mine.reduce((sum, row) => sum + row.failed, 0),
    };
  });
}
