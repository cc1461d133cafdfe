import type { Services } from "../services/context.ts";
import { configuredChannels, parseStoredConfig } from "./alert-config.ts";
import type { Alert } from "./alert-kinds.ts";
import { deliverDue } from "./deliver.ts";
import { detectConditions, detectFromAudit } from "./detect.ts";
import { detectLateParticipants } from "./late-participants.ts";
import { PendingWaits } from "./pending-waits.ts";

type EngineServices = Pick<
  Services,
  "store" | "now" | "log" | "role" | "metrics" | "serverId" | "allowLocalAlertDestinations" | "leases"
>;

export const ALERT_TICK_MS = 5_000;
/** A process that stops ticking loses the engine to another after this long. */
const LEASE_MS = 30_000;

/**
 * One turn of the alert engine. Of all server processes on a database, the one holding the lease
 * judges the conditions, reads the new audit rows, records the alerts (one delivery per configured
 * channel) and sends what is due. A crash between recording alerts and moving the cursor can send
 * an event twice, never lose it.
 */
export function alertTick(services: EngineServices): Promise<number> {
  // Turns never overlap within a process: a caller waits for the running one, then gets its own.
  const previous = running.get(services) ?? Promise.resolve(0);
  const turn = previous.catch(() => 0).then(() => tickOnce(services));
  running.set(services, turn);
  return turn;
}

const running = new WeakMap<EngineServices, Promise<number>>();
const pendingWaits = new WeakMap<EngineServices, PendingWaits>();

async function tickOnce(services: EngineServices): Promise<number> {
  const { store, serverId } = services;
  // This process's renewals go to the database first, whether or not it holds the engine: the
  // holder judges lateness from the database, and a tick of every process comes together.
  await services.leases.flush();
  const now = services.now();
  const leader = await store.alerts.claimEngine(serverId, new Date(now), new Date(now + LEASE_MS));
  if (!leader) return 0;
  const engine = await store.alerts.readEngine();
  if (!engine) return 0;
  const config = parseStoredConfig(await store.alerts.readConfig());
  // The pool's conditions are the main server's to judge (a backup mirrors its figures); both
  // report what their own audit history records.
  const conditions =
    services.role === "main" ? await detectConditions(services, config, engine) : { alerts: [], engine: {} };
  const late = services.role === "main" ? await detectLateParticipants(services) : null;
  const events = await detectFromAudit(store, engine.auditCursor);
  const alerts: Alert[] = [...conditions.alerts, ...events.alerts, ...(late?.alerts ?? [])];
  const channels = configuredChannels(config);
  for (const alert of alerts) {
    await store.alerts.raise(alert, channels);
    services.log.warn("alert raised", { kind: alert.kind, severity: alert.severity, message: alert.message, channels });
  }
  await store.alerts.writeEngine({ ...conditions.engine, auditCursor: events.cursor });
  await late?.commit();
  // Only the lease holder reads the history, so each reclaim is counted by exactly one process.
  for (const [cause, count] of events.reclaims) services.metrics.observeReclaims(count, cause);
  let waits = pendingWaits.get(services);
  if (!waits) {
    waits = new PendingWaits();
    pendingWaits.set(services, waits);
  }
  for (const seconds of waits.take(events.rows)) services.metrics.observePendingWait(seconds);
  await deliverDue(services, config);
  return alerts.length;
}

export async function stopAlertEngine(services: Pick<Services, "store" | "serverId">): Promise<void> {
  await services.store.alerts.releaseEngine(services.serverId);
}
