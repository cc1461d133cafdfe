import { Counter } from "prom-client";
import type { Services } from "../services/context.ts";
import { TtlCache } from "./ttl-cache.ts";

interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: {
    startup: ReadinessCheck;
    database: ReadinessCheck;
    migrations: ReadinessCheck;
    role: ReadinessCheck;
    handback: ReadinessCheck;
    /**
     * With single sign-on configured: whether its provider has been reached. Reported, never
     * counted in `ready`: appliances and the console's local accounts work without it.
     */
    sso?: ReadinessCheck;
  };
}

/** How long one evaluation answers every /api/ready hit (the endpoint is unauthenticated). */
const READINESS_TTL_MS = 1000;
const EVALUATIONS_METRIC = "sls_readiness_checks_total";

/**
 * The readiness of this process, evaluated at most once per READINESS_TTL_MS however many probes
 * ask (concurrent ones share the evaluation under way), each evaluation counted in
 * `sls_readiness_checks_total`. Error details go to the log only: the answer says which check
 * failed, never the database's message.
 */
export function cachedReadiness(services: Services): TtlCache<Readiness> {
  const registry = services.metrics.registry;
  const evaluations =
    (registry.getSingleMetric(EVALUATIONS_METRIC) as Counter | undefined) ??
    new Counter({
      name: EVALUATIONS_METRIC,
      help: "Evaluations of GET /api/ready's checks; the hits within a second share one.",
      registers: [registry],
    });
  return new TtlCache(READINESS_TTL_MS, async () => {
    evaluations.inc();
    const readiness = await checkReadiness(services).catch((error: unknown) => {
      services.log.error("readiness check failed", { error });
      return notChecked("not checked: the readiness check failed; the error is in the server log");
    });
    if (!readiness.ready) services.log.warn("not ready", { checks: readiness.checks });
    return readiness;
  });
}

/**
 * What a load balancer or a Kubernetes readiness probe needs to know: the database answers, every
 * migration shipped with this build is applied, the role is known (main: settings seeded; backup:
 * role row written), and a main server is not waiting to take its pool back from an active backup.
 */
async function checkReadiness(services: Services): Promise<Readiness> {
  const database = await check(services, async () => {
    const server = await services.store.readServer();
    return { server, check: { ok: true, detail: "answered" } };
  });
  if (!database.ok) return notChecked("not checked: the database did not answer");
  const [migrations, role, handback] = await Promise.all([
    checkMigrations(services),
    checkRole(services, database.value.server !== null),
    checkHandback(services),
  ]);
  const checks = { startup: STARTED, database: database.check, migrations, role, handback };
  const ready = Object.values(checks).every((c) => c.ok);
  if (!services.sso) return { ready, checks };
  const sso = services.sso.status();
  return { ready, checks: { ...checks, sso: { ok: sso.reachable, detail: sso.detail } } };
}

async function checkMigrations(services: Services): Promise<ReadinessCheck> {
  const missing = await services.store.operations.missingMigrations();
  return missing.length === 0
    ? { ok: true, detail: "all applied" }
    : { ok: false, detail: `not applied: ${missing.join(", ")}` };
}

async function checkRole(services: Services, settingsSeeded: boolean): Promise<ReadinessCheck> {
  if (!settingsSeeded) return { ok: false, detail: "the settings row is missing (first start not finished)" };
  if (services.role === "main") return { ok: true, detail: "main" };
  const role = await services.store.backup.readRole();
  return role
    ? { ok: true, detail: `backup (${role.active ? "active" : "inactive"})` }
    : { ok: false, detail: "backup role not initialised yet" };
}

async function checkHandback(services: Services): Promise<ReadinessCheck> {
  if (services.role === "backup") return { ok: true, detail: "not applicable on a backup server" };
  const backup = await services.store.overview.backupStatus();
  return backup?.active
    ? {
        ok: false,
        detail: "the backup server is serving; this server has not taken the pool back yet (hand-back pending)",
      }
    : { ok: true, detail: "no hand-back pending" };
}

const DATABASE_FAILED: ReadinessCheck = { ok: false, detail: "failed; the error is in the server log" };
const STARTED: ReadinessCheck = { ok: true, detail: "started" };

/** Not ready: the database failed (its error logged), the other checks could not run. */
function notChecked(detail: string): Readiness {
  const down = { ok: false, detail };
  return {
    ready: false,
    checks: { startup: STARTED, database: DATABASE_FAILED, migrations: down, role: down, handback: down },
  };
}

/**
 * Not ready: the process listens but is still starting (its leases loading, the console preparing);
 * answered from memory, without the other checks, and never cached.
 */
export function startingReadiness(waitingFor: string[]): Readiness {
  const later = { ok: false, detail: "not checked: the server is starting" };
  return {
    ready: false,
    checks: {
      startup: { ok: false, detail: `starting: ${waitingFor.join(", ")}` },
      database: later,
      migrations: later,
      role: later,
      handback: later,
    },
  };
}

async function check<T extends { check: ReadinessCheck }>(
  services: Services,
  probe: () => Promise<T>,
): Promise<{ ok: true; value: T; check: ReadinessCheck } | { ok: false }> {
  try {
    const value = await probe();
    return { ok: true, value, check: value.check };
  } catch (error) {
    services.log.error("readiness: the database did not answer", { error });
    return { ok: false };
  }
}
