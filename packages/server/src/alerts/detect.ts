import { setImmediate as nextTurn } from "node:timers/promises";
import { MINUTE_MS } from "@sls/allocator";
import type { Store } from "@sls/db";
import { type AuditEventType, RECLAIM_EVENT_TYPES } from "@sls/db/vocabulary";
import type { Services } from "../services/context.ts";
import type { AlertConfig } from "./alert-config.ts";
import { type Alert, LISTED_SERIALS } from "./alert-kinds.ts";
import { detectForecast } from "./forecast-alert.ts";
import { detectGroupPending } from "./group-pending.ts";

type EngineRow = NonNullable<Awaited<ReturnType<Store["alerts"]["readEngine"]>>>;
type AuditTailRow = Awaited<ReturnType<Store["alerts"]["auditAfter"]>>["rows"][number];

/** Utilisation must fall this many points under the threshold before the alert can be raised again. */
const UTILISATION_HYSTERESIS_PCT = 5;
/** Audit rows read per statement, and statements per tick at most; the rest waits for the next tick. */
const AUDIT_BATCH = 1_000;
const AUDIT_BATCHES_PER_TICK = 20;

/** Causes of a reclaim in the audit history; each is counted in sls_reclaims_total. */
const RECLAIM_CAUSES = RECLAIM_EVENT_TYPES;

const TAILED_AUDIT_TYPES = [
  ...RECLAIM_CAUSES,
  // Where pending demand ends (served, withdrawn by a release, or handed over): for the
  // pending-wait histogram. Not every release: under load they are half the history, and a
  // release that gives pending back writes its own `withdraw-pending` row.
  "grant-pending",
  "withdraw-pending",
  "backup-takeover",
  "backup-alert",
  "handback",
  "backup.handback-failed",
  "backup.handback-refused",
  "backup.link-refused",
  "backup.outage-recorded",
] as const satisfies readonly AuditEventType[];

export interface Detection {
  alerts: Alert[];
  engine: Partial<EngineRow>;
}

/**
 * Conditions judged from the pool's current figures: utilisation at or above the threshold, and
 * pending demand left unmet for longer than `pendingAfterMinutes` (pending above zero at every
 * tick since): the pool's, or under a pool policy each group's in its place (a group's demand is
 * what the policy lets wait, and the pool's would only repeat it unnamed). Each is raised once and
 * cleared when the condition ends.
 */
export async function detectConditions(
  services: Pick<Services, "store" | "now">,
  config: AlertConfig,
  engine: EngineRow,
): Promise<Detection> {
  const server = await services.store.readServer();
  if (!server) return { alerts: [], engine: {} };
  const now = services.now();
  const at = new Date(now);
  const alerts: Alert[] = [];
  const update: Partial<EngineRow> = {};

  const pct = server.poolSize > 0 ? (server.grantedTotal / server.poolSize) * 100 : 0;
  if (server.poolSize > 0 && pct >= server.alertThresholdPct) {
    if (!engine.utilisationRaisedAt) {
      update.utilisationRaisedAt = at;
      alerts.push({
        kind: "utilisation",
        severity: pct >= 100 ? "critical" : "warning",
        message: `Pool utilisation is ${pct.toFixed(1)} % (${server.grantedTotal} of ${server.poolSize} sessions granted), at or above the ${server.alertThresholdPct} % threshold.`,
        detail: {
          utilisationPct: Number(pct.toFixed(2)),
          granted: server.grantedTotal,
          poolSize: server.poolSize,
          thresholdPct: server.alertThresholdPct,
        },
        raisedAt: at,
      });
    }
  } else if (engine.utilisationRaisedAt && pct < server.alertThresholdPct - UTILISATION_HYSTERESIS_PCT) {
    update.utilisationRaisedAt = null;
  }
  const forecast = await detectForecast(services, config, engine);
  if (forecast.alert) alerts.push(forecast.alert);
  if (forecast.forecastRaisedAt !== undefined) update.forecastRaisedAt = forecast.forecastRaisedAt;

  const policy = await services.store.policyInForce();
  if (policy) {
    if (engine.pendingSince || engine.pendingRaisedAt) {
      update.pendingSince = null;
      update.pendingRaisedAt = null;
    }
    const groups = await detectGroupPending(services.store, policy, config, engine.groupPending, now);
    alerts.push(...groups.alerts);
    if (groups.state !== engine.groupPending) update.groupPending = groups.state;
    return { alerts, engine: update };
  }
  if (engine.groupPending !== null) update.groupPending = null;
  if (server.pendingTotal > 0) {
    const since = engine.pendingSince ?? at;
    if (!engine.pendingSince) update.pendingSince = at;
    const minutes = (now - since.getTime()) / MINUTE_MS;
    if (!engine.pendingRaisedAt && minutes >= config.pendingAfterMinutes) {
      update.pendingRaisedAt = at;
      alerts.push({
        kind: "pending-unmet",
        severity: "warning",
        message: `${server.pendingTotal} sessions of pending demand have been left unmet for ${Math.floor(minutes)} minutes (alert after ${config.pendingAfterMinutes}); the pool of ${server.poolSize} is fully used.`,
        detail: {
          pending: server.pendingTotal,
          since: since.toISOString(),
          minutes: Math.floor(minutes),
          poolSize: server.poolSize,
          granted: server.grantedTotal,
        },
        raisedAt: at,
      });
    }
  } else if (engine.pendingSince || engine.pendingRaisedAt) {
    update.pendingSince = null;
    update.pendingRaisedAt = null;
  }
  return { alerts, engine: update };
}

/**
 * Events read from the audit history after the engine's cursor: reclaims (one alert per tick,
 * listing the serials, for silent participants; every cause counted), the backup taking over,
 * its 15-day and limit alerts, hand-back done (the grants it changed) and failed, and the backup
 * link refused while the main server answers.
 */
export async function detectFromAudit(
  store: Store,
  cursor: number,
): Promise<{ alerts: Alert[]; cursor: number; reclaims: Map<string, number>; rows: AuditTailRow[] }> {
  // Releases and pending requests are frequent under load: read on until caught up, within a bound.
  const rows: AuditTailRow[] = [];
  let readTo = cursor;
  for (let batch = 0; batch < AUDIT_BATCHES_PER_TICK; batch += 1) {
    // On SQLite each read runs on the event loop: calls get their turn between them.
    if (batch > 0) await nextTurn();
    const read = await store.alerts.auditAfter(readTo, [...TAILED_AUDIT_TYPES], AUDIT_BATCH);
    rows.push(...read.rows);
    if (read.readTo === readTo) break;
    readTo = read.readTo;
  }
  const alerts: Alert[] = [];
  const reclaimed = rows.filter((r) => r.type === "reclaim");
  if (reclaimed.length > 0) {
    const serials = [...new Set(reclaimed.map((r) => r.serial ?? "?"))];
    alerts.push({
      kind: "reclaim",
      severity: "warning",
      message: `${serials.length} participant${serials.length === 1 ? "" : "s"} reclaimed after 3 silent refresh intervals: ${serials.slice(0, LISTED_SERIALS).join(", ")}${serials.length > LISTED_SERIALS ? ", …" : ""}.`,
      detail: { count: serials.length, serials: serials.slice(0, LISTED_SERIALS) },
      raisedAt: lastAt(reclaimed),
    });
  }
  const handedBack = rows.filter((r) => r.type === "handback");
  const reports = rows.filter((r) => r.type === "backup.outage-recorded");
  if (handedBack.length > 0 || reports.length > 0) {
    const outageId = reports.at(-1)?.detail?.outageId;
    alerts.push({
      kind: "handback-done",
      severity: "info",
      message: `The main server took the pool back from the backup server; ${handedBack.length} participant grant${handedBack.length === 1 ? "" : "s"} changed while the backup served.${typeof outageId === "string" ? " The outage report lists what the backup did." : ""}`,
      detail: { changedGrants: handedBack.length, ...(typeof outageId === "string" ? { outageId } : {}) },
      raisedAt: lastAt(reports.length > 0 ? reports : handedBack),
    });
  }
  for (const row of rows) {
    const alert = singleRowAlert(row);
    if (alert) alerts.push(alert);
  }
  const reclaims = new Map<string, number>();
  for (const row of rows) {
    if ((RECLAIM_CAUSES as readonly string[]).includes(row.type))
      reclaims.set(row.type, (reclaims.get(row.type) ?? 0) + 1);
  }
  return { alerts, cursor: readTo, reclaims, rows };
}

function singleRowAlert(row: AuditTailRow): Alert | null {
  const detail = row.detail ?? {};
  switch (row.type) {
    case "backup-takeover":
      return {
        kind: "backup-takeover",
        severity: "critical",
        message: "The backup server took over: the main server is down and appliances are now served by the backup.",
        detail,
        raisedAt: row.at,
      };
    case "backup-alert": {
      const limit = detail.alert === "LIMIT_REACHED";
      return {
        kind: limit ? "backup-limit" : "backup-15-days",
        severity: "critical",
        message:
          typeof detail.message === "string"
            ? detail.message
            : limit
              ? "The backup server reached its operating limit and issues no more sessions."
              : "The backup server has been serving for 15 days; bring the main server back.",
        detail,
        raisedAt: row.at,
      };
    }
    case "backup.handback-failed":
    case "backup.handback-refused":
      return {
        kind: "handback-failed",
        severity: "warning",
        message: `Hand-back from the backup server failed: ${String(detail.cause ?? (Array.isArray(detail.reasons) ? detail.reasons[0] : "see the audit history"))}.`,
        detail,
        raisedAt: row.at,
      };
    case "backup.link-refused":
      return {
        kind: "backup-link-refused",
        severity: "critical",
        message: `The backup server cannot synchronise although the main server answers; it does not take over while the main server answers, so fix this before the main server fails: ${String(detail.cause ?? "see the audit history")}.`,
        detail,
        raisedAt: row.at,
      };
    default:
      return null;
  }
}

function lastAt(rows: AuditTailRow[]): Date {
  return rows[rows.length - 1]!.at;
}
