import type { ParticipantStateCounts, Store } from "@sls/db";
import { PARTICIPANT_STATES } from "@sls/db/vocabulary";
import { Gauge } from "prom-client";
import type { TGroupUsage } from "../contracts/admin/overview.ts";
import { groupUsage } from "../services/admin/group-usage.ts";
import { capacityForecast } from "../services/capacity/forecast.ts";
import type { Services } from "../services/context.ts";
import { stateCutoffs } from "../services/liveness.ts";
import type { ServerMetrics } from "./server-metrics.ts";
import { TtlCache } from "./ttl-cache.ts";

/** Scrapes within this window share one set of queries; a scrape never touches the pool lock. */
const SNAPSHOT_TTL_MS = 1_000;

type InUseTotals = Awaited<ReturnType<Store["operations"]["inUseTotals"]>>;

/** No serial label: the backup's serial is the one an appliance would need to impersonate it, and /metrics is unauthenticated. */
interface BackupFigures {
  active: boolean;
  lastSyncAt: Date | null;
  remainingMs: number | null;
}

interface FleetSnapshot {
  pool: { poolSize: number; granted: number; pending: number } | null;
  inUse: InUseTotals;
  states: ParticipantStateCounts;
  backup: BackupFigures | null;
  groups: TGroupUsage[];
  forecastDaysLeft: number | null;
}

/**
 * Reads what the gauges show: the settings row (read fresh, not from the settings cache, so the
 * pool figures are no older than the rest), one aggregate and three indexed counts.
 */
async function readSnapshot(services: Services): Promise<FleetSnapshot> {
  const server = await services.store.readServer();
  const cutoffs = stateCutoffs(services.now(), server?.refreshIntervalSec ?? 30);
  const [inUse, states, backup, groups, forecast] = await Promise.all([
    services.store.operations.inUseTotals(),
    services.store.participantQueries.countByState(cutoffs),
    readBackupFigures(services),
    groupUsage(services),
    capacityForecast(services),
  ]);
  return {
    pool: server ? { poolSize: server.poolSize, granted: server.grantedTotal, pending: server.pendingTotal } : null,
    inUse,
    states,
    backup,
    groups,
    forecastDaysLeft: forecast.daysLeft,
  };
}

/** On the main server: what the backup last reported. On the backup: its own role row. */
async function readBackupFigures(services: Services): Promise<BackupFigures | null> {
  if (services.role === "backup") {
    const role = await services.store.backup.readRole();
    if (!role) return null;
    return {
      active: role.active,
      lastSyncAt: role.lastSyncAt,
      remainingMs: role.remainingMs,
    };
  }
  const status = await services.store.overview.backupStatus();
  if (!status?.serial) return null;
  return {
    active: status.active,
    lastSyncAt: status.lastSyncAt,
    remainingMs: status.remainingMs,
  };
}

/** Registers the gauges that need the database; each is filled from one cached snapshot at scrape time. */
export function registerFleetGauges(metrics: ServerMetrics, services: Services): void {
  const snapshots = new TtlCache(SNAPSHOT_TTL_MS, () => readSnapshot(services));
  const registers = [metrics.registry];
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    fill: (g: Gauge<L>, s: FleetSnapshot) => void,
  ): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const snapshot = await snapshots.get();
        this.reset();
        fill(this, snapshot);
      },
    });
  };

  gauge("sls_pool_size", "Sessions in the shared pool.", [], (g, s) => g.set(s.pool?.poolSize ?? 0));
  gauge("sls_pool_granted", "Sessions granted to participants.", [], (g, s) => g.set(s.pool?.granted ?? 0));
  gauge("sls_pool_available", "Sessions not granted to anyone.", [], (g, s) =>
    g.set(Math.max(0, (s.pool?.poolSize ?? 0) - (s.pool?.granted ?? 0))),
  );
  gauge("sls_pool_pending", "Sessions asked for and not yet granted (pending demand).", [], (g, s) =>
    g.set(s.pool?.pending ?? 0),
  );
  gauge("sls_sessions_in_use", "Sessions the appliances report in use, their local sessions included.", [], (g, s) =>
    g.set(s.inUse.inUse),
  );
  gauge(
    "sls_sessions_in_use_from_pool",
    "Sessions in use beyond each appliance's local limit, i.e. drawn from the pool (at most its grant).",
    [],
    (g, s) => g.set(s.inUse.inUseFromPool),
  );
  gauge(
    "sls_participants",
    "Registered participants by state: active, late (one refresh interval missed), silent (two), expired (three: grant reclaimed), awaiting-approval.",
    ["state"],
    (g, s) => {
      for (const state of PARTICIPANT_STATES) g.set({ state }, s.states[state]);
    },
  );
  const perGroup = (name: string, help: string, figure: (group: TGroupUsage) => number | null): void =>
    gauge(name, help, ["group"], (g, s) => {
      for (const group of s.groups) {
        const value = figure(group);
        if (value !== null) g.set({ group: group.name }, value);
      }
    });
  perGroup("sls_group_held", "Sessions granted to the pool-policy group's members.", (g) => g.held);
  perGroup(
    "sls_group_reserved_unused",
    "Sessions reserved for the group that none of its members holds: kept from the other groups.",
    (g) => g.reservedUnused,
  );
  perGroup("sls_group_pending", "Sessions the group's members asked for and were not granted.", (g) => g.pending);
  perGroup("sls_group_max", "The most sessions the group may hold (absent: no max).", (g) => g.max);
  perGroup("sls_group_members", "Participants in the group.", (g) => g.members);
  gauge("sls_server_role", "1 for this process's role (main or backup).", ["role"], (g) =>
    g.set({ role: services.role }, 1),
  );
  gauge("sls_backup_active", "1 while the backup server is serving appliances.", [], (g, s) => {
    if (s.backup) g.set(s.backup.active ? 1 : 0);
  });
  gauge(
    "sls_backup_last_sync_age_seconds",
    "Seconds since the backup last synchronised with the main server.",
    [],
    (g, s) => {
      if (s.backup?.lastSyncAt) g.set(Math.max(0, (services.now() - s.backup.lastSyncAt.getTime()) / 1000));
    },
  );
  gauge(
    "sls_backup_operating_time_left_seconds",
    "The backup's remaining operating limit (5 to 30 days), in seconds.",
    [],
    (g, s) => {
      if (s.backup?.remainingMs != null) g.set(Math.max(0, s.backup.remainingMs / 1000));
    },
  );
  gauge(
    "sls_capacity_forecast_days_left",
    "Days until the 30-day trend of daily peak demand reaches the pool size (0: already there); NaN without a rising trend.",
    [],
    (g, s) => g.set(s.forecastDaysLeft ?? Number.NaN),
  );
}
