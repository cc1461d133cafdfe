import type { TEnv } from "../../env.ts";
import type { Logger } from "../../logger.ts";
import type { Services } from "../context.ts";
import { BackupRunner } from "./backup-runner.ts";
import { HandbackOutcomes, takeBackFromBackup } from "./handback-receive.ts";
import { BackupLink } from "./link-key.ts";
import { BackupServing, mainServing, type ServingPolicy } from "./serving.ts";

export interface RoleSetup {
  serving: ServingPolicy;
  /** Runs once the services exist, before the process listens. */
  start(services: Pick<Services, "store" | "now" | "log" | "scheme" | "serving" | "backupCheck">): Promise<void>;
  stop(): Promise<void>;
  /** Whether the reclaim sweep should run now (a mirroring backup leaves that to the main server). */
  sweeps(): boolean;
}

/** Generous: after a long outage of a large fleet the answer carries every participant's lease. */
const HANDBACK_TIMEOUT_MS = 30_000;

export function setUpRole(env: TEnv, log: Logger, now: () => number = Date.now): RoleSetup {
  return env.SLS_ROLE === "backup" ? backupRole(env, log, now) : mainRole(env, now);
}

/** The main server takes its pool back from an active backup at start and then every sync interval. */
function mainRole(env: TEnv, now: () => number): RoleSetup {
  let timer: NodeJS.Timeout | null = null;
  // One hand-back at a time: a slow backup (up to the timeout, an answer of up to the size cap)
  // must not have several calls, and several answers in memory, in flight at once.
  let running: Promise<unknown> | null = null;
  return {
    serving: mainServing(env.SLS_BACKUP_KEY ? new BackupLink(env.SLS_BACKUP_KEY, now) : null),
    async start(services) {
      const outcomes = new HandbackOutcomes(services);
      await takeBackFromBackup(services, outcomes, HANDBACK_TIMEOUT_MS);
      timer = setInterval(() => {
        if (running) return;
        running = takeBackFromBackup(services, outcomes, HANDBACK_TIMEOUT_MS)
          .catch((error) => services.log.error("hand-back failed", { error }))
          .finally(() => {
            running = null;
          });
      }, env.SLS_SYNC_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    sweeps: () => true,
  };
}

function backupRole(env: TEnv, log: Logger, now: () => number): RoleSetup {
  // loadEnv refuses the backup role without SLS_BACKUP_KEY.
  const link = new BackupLink(env.SLS_BACKUP_KEY!, now);
  const serving = new BackupServing(link, env.SLS_MAIN_DOWN_AFTER_FAILED_SYNCS, async (tx, at) => {
    log.error("CRITICAL: the main server is down; this backup server is now serving appliances", {
      at: at.toISOString(),
    });
    await tx.audit([{ at, type: "backup-takeover", actor: "system:backup", detail: { mainUrl: env.SLS_MAIN_URL } }]);
  });
  let runner: BackupRunner | null = null;
  return {
    serving,
    async start(services) {
      if (env.SLS_SHARED_SECRET) {
        log.info(
          "SLS_SHARED_SECRET is not used by the backup role: the backup registers with the backup link key, and the fleet secret's verifier comes with each sync",
        );
      }
      runner = new BackupRunner(services, services.store.backup, serving, {
        mainUrl: env.SLS_MAIN_URL!,
        serial: env.SLS_BACKUP_SERIAL!,
        syncIntervalMs: env.SLS_SYNC_INTERVAL_MS,
        mainDownAfterFailedSyncs: env.SLS_MAIN_DOWN_AFTER_FAILED_SYNCS,
        dayMs: env.SLS_DAY_MS,
      });
      await runner.start();
    },
    async stop() {
      await runner?.stop();
    },
    sweeps: () => serving.state === "active",
  };
}
