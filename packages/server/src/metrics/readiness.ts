import type { Services } from "../services/context.ts";

interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: ReadinessCheck; migrations: ReadinessCheck; role: ReadinessCheck; handback: ReadinessCheck };
}

/**
 * What a load balancer or a Kubernetes readiness probe needs to know: the database answers, every
 * migration shipped with this build is applied, the role is known (main: settings seeded; backup:
 * role row written), and a main server is not waiting to take its pool back from an active backup.
 */
export async function checkReadiness(services: Services): Promise<Readiness> {
  const database = await check(async () => {
    const server = await services.store.readServer();
    return { server, check: { ok: true, detail: "answered" } };
  });
  if (!database.ok) {
    const down = { ok: false, detail: "not checked: the database did not answer" };
    return { ready: false, checks: { database: database.check, migrations: down, role: down, handback: down } };
  }
  const [migrations, role, handback] = await Promise.all([
    checkMigrations(services),
    checkRole(services, database.value.server !== null),
    checkHandback(services),
  ]);
  const checks = { database: database.check, migrations, role, handback };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
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

async function check<T extends { check: ReadinessCheck }>(
  probe: () => Promise<T>,
): Promise<{ ok: true; value: T; check: ReadinessCheck } | { ok: false; check: ReadinessCheck }> {
  try {
    const value = await probe();
    return { ok: true, value, check: value.check };
  } catch (error) {
    return { ok: false, check: { ok: false, detail: `failed: ${(error as Error).message.split("\n")[0]}` } };
  }
}
