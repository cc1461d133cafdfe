import { DAY_MS, HOUR_MS, MINUTE_MS } from "@sls/allocator";
import { applyMigrations, providerOf, Store } from "@sls/db";
import { FailureLimiter } from "./auth/rate-limit.ts";
import { hashSharedSecret, recordedLength, SecretChecker } from "./auth/secret.ts";
import { ZNewSecret } from "./contracts/admin/settings.ts";
import { RULES } from "./contracts/rules.ts";
import { AddressSet } from "./http/ip-address.ts";
import { EnvError, FIRST_START_DEFAULTS, ownScheme, type TEnv } from "./env.ts";
import type { Logger } from "./logger.ts";
import type { Services } from "./services/context.ts";
import { MessageCounters } from "./services/counters.ts";
import { registerFleetGauges } from "./metrics/fleet-gauges.ts";
import { ServerMetrics } from "./metrics/server-metrics.ts";
import { ALERT_TICK_MS, alertTick, stopAlertEngine } from "./alerts/engine.ts";
import { sampleCapacity } from "./services/capacity/report.ts";
import { pruneHistory } from "./services/capacity/retention.ts";
import { setUpRole } from "./services/backup/role-setup.ts";
import { DEFAULT_LEASE_OPTIONS, Leases } from "./services/leases/leases.ts";
import { PoolQueue } from "./services/pool/pool-queue.ts";
import { SettingsCache } from "./services/settings-cache.ts";
import { Startup } from "./services/startup.ts";
import { ShedCounter } from "./services/shed-counter.ts";
import { BackupAddressCheck } from "./services/backup/address-check.ts";
import { SetupCodes, setupCodeFile } from "./services/setup-code.ts";
import { sweepSilentParticipants } from "./services/sweeper.ts";
import { LOGIN_POLICY } from "./services/admin/auth.ts";
import { SsoProvider } from "./services/admin/sso/sso-provider.ts";
import { ssoSettingsFrom } from "./services/admin/sso/sso-settings.ts";
import { pruneUsage, SAMPLE_EVERY_MS, sampleUsage } from "./services/capacity/usage-sampler.ts";

const COUNTER_FLUSH_MS = 2_000;
const APPLIED_REQUEST_TTL_MS = DAY_MS;
const PRUNE_EVERY_MS = HOUR_MS;
const CAPACITY_SAMPLE_MS = MINUTE_MS;

export interface Running {
  services: Services;
  stop(): Promise<void>;
}

/** Services whose leases may still be loading. */
export interface Booting extends Running {
  /** Settles when the leases are loaded (`services.startup` then no longer waits for them); rejects if they cannot be. */
  leasesLoaded: Promise<void>;
}

/** `bootServices`, and waits for the leases: for a process that listens only once everything is loaded (tests). */
export async function startServices(env: TEnv, log: Logger, now: () => number = Date.now): Promise<Running> {
  const booting = await bootServices(env, log, now);
  try {
    await booting.leasesLoaded;
  } catch (error) {
    await booting.stop();
    throw error;
  }
  return booting;
}

/**
 * Migrates, seeds first-start settings, builds the services and starts the background jobs; the
 * leases load in the background (`leasesLoaded`), while `services.startup` refuses appliance calls.
 */
export async function bootServices(env: TEnv, log: Logger, now: () => number = Date.now): Promise<Booting> {
  const started = Date.now();
  const { applied } = await applyMigrations(env.DATABASE_URL, (line) => log.info(line));
  log.info("database ready", {
    provider: providerOf(env.DATABASE_URL),
    migrationsApplied: applied.length,
    ms: Date.now() - started,
  });

  const store = Store.open(env.DATABASE_URL, {
    poolMax: env.SLS_DB_POOL_MAX,
    backgroundCheckpoints: {
      onFailure: (error) =>
        log.error("the SQLite checkpoint thread failed; the database connection checkpoints by itself again", {
          error,
        }),
    },
  });
  await seedSettings(store, env, log, now).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });

  const role = setUpRole(env, log);
  const settings = new SettingsCache(store);
  const metrics = new ServerMetrics({ endpoint: { enabled: env.SLS_METRICS === "on", token: env.SLS_METRICS_TOKEN } });
  const startup = new Startup();
  const ssoSettings = ssoSettingsFrom(env);
  const sso = ssoSettings ? new SsoProvider(ssoSettings, log) : null;
  const services: Services = {
    store,
    now,
    secrets: new SecretChecker(),
    secretFailures: new FailureLimiter(undefined, now),
    loginFailures: new FailureLimiter(LOGIN_POLICY, now),
    sso,
    localLogin: env.SLS_LOCAL_LOGIN === "on",
    trustedProxies: AddressSet.parse(env.SLS_TRUST_PROXY),
    setupCodes: new SetupCodes(store, log, setupCodeFile(env.DATABASE_URL, env.SLS_DATA_DIR), env.SLS_SERVER_ID, now),
    counters: new MessageCounters(),
    metrics,
    log,
    serverId: env.SLS_SERVER_ID,
    scheme: ownScheme(env),
    allowLocalAlertDestinations: env.SLS_ALERT_ALLOW_LOCAL_DESTINATIONS === "on",
    poolQueue: new PoolQueue(store, log, {
      deadlineMs: env.SLS_CALL_DEADLINE_MS,
      onBatch: (size, seconds) => metrics.observeBatch(size, seconds),
    }),
    settings,
    shed: new ShedCounter(),
    leases: new Leases(
      store,
      log,
      now,
      env.SLS_SERVER_ID,
      { ...DEFAULT_LEASE_OPTIONS, flushMs: env.SLS_LEASE_FLUSH_MS },
      settings,
    ),
    role: env.SLS_ROLE,
    serving: role.serving,
    backupCheck: new BackupAddressCheck(),
    startup,
    assertServing: () => {
      startup.assertStarted();
      role.serving.assertServing();
    },
  };
  registerFleetGauges(services.metrics, services);
  await services.leases.begin();
  await store.alerts.openEngine();
  await role.start(services);
  // Not waited for: a provider that cannot be reached is retried in the background (sso-provider.ts).
  void sso?.start();
  await services.setupCodes.issue(`${services.scheme}://localhost:${env.PORT}`);

  const leasesLoaded = startup.track(
    "the leases are loading",
    services.leases
      .load()
      .then(() => sampleUsage(services).catch((error) => log.error("usage sample failed", { error }))),
  );
  const timers = [
    every(
      env.SLS_SWEEP_INTERVAL_MS,
      async () => role.sweeps() && sweepSilentParticipants(services),
      log,
      "reclaim sweep",
    ),
    every(COUNTER_FLUSH_MS, () => services.counters.flush(store, services.serverId), log, "counter flush"),
    every(
      PRUNE_EVERY_MS,
      () => store.pruneAppliedRequests(new Date(now() - APPLIED_REQUEST_TTL_MS)),
      log,
      "request-id prune",
    ),
    every(ALERT_TICK_MS, () => alertTick(services), log, "alert engine"),
    every(CAPACITY_SAMPLE_MS, async () => services.role === "main" && sampleCapacity(services), log, "capacity sample"),
    every(PRUNE_EVERY_MS, () => pruneHistory(services, env.SLS_RETENTION_DAYS), log, "history prune"),
    ...consoleJobs(services),
  ];

  return {
    services,
    leasesLoaded,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      sso?.stop();
      await role.stop();
      await stopAlertEngine(services).catch((error) => log.error("releasing the alert engine failed", { error }));
      await services.leases.stop().catch((error) => log.error("final lease write failed", { error }));
      await services.counters
        .flush(store, services.serverId)
        .catch((error) => log.error("final counter flush failed", { error }));
      await store.close();
    },
  };
}

async function seedSettings(store: Store, env: TEnv, log: Logger, now: () => number): Promise<void> {
  const existing = await store.readServer();
  if (existing?.secretHash) warnIfShort(existing.secretHash, log);
  if (existing) {
    if (
      env.SLS_POOL_SIZE !== undefined ||
      env.SLS_SHARED_SECRET !== undefined ||
      env.SLS_REFRESH_INTERVAL_SEC !== undefined
    ) {
      log.info(
        "settings already exist; SLS_POOL_SIZE, SLS_SHARED_SECRET and SLS_REFRESH_INTERVAL_SEC only seed a new database",
      );
    }
    return;
  }
  // Only a new database takes it: a shorter secret already in use (and in this variable) keeps working.
  const secret = env.SLS_SHARED_SECRET === undefined ? undefined : ZNewSecret.safeParse(env.SLS_SHARED_SECRET);
  if (secret && !secret.success) {
    throw new EnvError(
      `Invalid environment; fix these and start again:\n  - SLS_SHARED_SECRET: ${secret.error.issues[0]?.message} (it sets a new database's shared secret)`,
    );
  }
  const poolSize = env.SLS_POOL_SIZE ?? FIRST_START_DEFAULTS.poolSize;
  const refreshIntervalSec = env.SLS_REFRESH_INTERVAL_SEC ?? FIRST_START_DEFAULTS.refreshIntervalSec;
  const seeded = await store.seedServer({
    poolSize,
    refreshIntervalSec,
    secretHash: secret ? await hashSharedSecret(secret.data) : null,
    at: new Date(now()),
  });
  if (seeded) {
    log.info("first start: settings seeded", {
      poolSize,
      refreshIntervalSec,
      secretSet: Boolean(env.SLS_SHARED_SECRET),
    });
    if (!env.SLS_SHARED_SECRET)
      log.warn(
        "no shared secret yet: appliances are refused until one is set (SLS_SHARED_SECRET or the settings page)",
      );
  }
}

function warnIfShort(verifier: string, log: Logger): void {
  const length = recordedLength(verifier);
  if (length === "long") return;
  log.warn(
    length === "short"
      ? `the shared secret is shorter than ${RULES.secret.minLength} characters: it keeps working, but set a longer one on the settings page`
      : `the shared secret was set before secrets needed ${RULES.secret.minLength} characters: if it is shorter, set a longer one on the settings page (the overview says once an appliance has registered)`,
  );
}

function every(ms: number, job: () => Promise<unknown>, log: Logger, name: string): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    job()
      .catch((error) => log.error(`${name} failed`, { error }))
      .finally(() => {
        running = false;
      });
  }, ms);
  timer.unref();
  return timer;
}

/** The admin console's housekeeping: a usage sample every 15 s (SAMPLE_EVERY_MS), old samples and sessions pruned. */
function consoleJobs(services: Services): NodeJS.Timeout[] {
  const { log, store, now } = services;
  return [
    every(SAMPLE_EVERY_MS, () => sampleUsage(services), log, "usage sample"),
    every(PRUNE_EVERY_MS, () => pruneUsage(services), log, "usage prune"),
    every(PRUNE_EVERY_MS, () => store.accounts.pruneSessions(new Date(now())), log, "session prune"),
  ];
}
