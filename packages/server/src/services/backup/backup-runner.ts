import os from "node:os";
import {
  advanceOperatingLimit,
  initialOperatingLimit,
  remainingDays,
  setActive,
  type OperatingAlert,
  type OperatingLimit,
} from "@sls/allocator";
import type { AuditInput, BackupRoleRow, BackupStore, ParticipantRecord } from "@sls/db";
import { callMutation, RemoteCallError } from "../../http/trpc-call.ts";
import type { Services } from "../context.ts";
import type { BackupServing } from "./serving.ts";
import { snapshotFromWire, type TWireSnapshot } from "./snapshot-wire.ts";

export interface BackupConfig {
  mainUrl: string;
  serial: string;
  secret: string;
  syncIntervalMs: number;
  mainDownAfterFailedSyncs: number;
  dayMs: number;
}

const ALERT_TEXT: Record<OperatingAlert, string> = {
  ACTIVE_15_DAYS: "CRITICAL: the backup server has been serving for 15 days; bring the main server back",
  LIMIT_REACHED: "CRITICAL: the backup server reached its operating limit and issues no more sessions; grants will time out",
};

/**
 * The backup server's side of the protocol: register with the main server, call backup.sync
 * every interval and mirror its state, judge the main server down after several failed syncs
 * in a row (the backup is then "armed" and activates on the first appliance call), and account
 * the operating limit.
 */
export class BackupRunner {
  private token: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly services: Services,
    private readonly store: BackupStore,
    readonly serving: BackupServing,
    private readonly config: BackupConfig,
  ) {}

  async start(): Promise<void> {
    const now = this.services.now();
    const role = await this.store.initRole(this.config.mainUrl, initialOperatingLimit(now, this.config.dayMs).remainingMs, new Date(now));
    this.serving.state = role.active ? "active" : this.isMainDown(role) ? "armed" : "inactive";
    this.services.log.info("backup role started", {
      mainUrl: this.config.mainUrl,
      serial: this.config.serial,
      active: role.active,
      operatingDaysLeft: Number((role.remainingMs / this.config.dayMs).toFixed(2)),
    });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.syncIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /** One synchronisation step; never runs twice at once. */
  tick(): Promise<void> {
    if (!this.ticking) {
      this.ticking = this.step()
        .catch((error) => this.services.log.error("backup tick failed", { error }))
        .finally(() => {
          this.ticking = null;
        });
    }
    return this.ticking;
  }

  private async step(): Promise<void> {
    const role = await this.store.readRole();
    if (!role) return;
    const now = this.services.now();
    let lastSyncAt = role.lastSyncAt;
    // Only what this step observed is written: a hand-back may have reset the role meanwhile.
    let syncResult: { failedSyncs: number; lastSyncAt?: Date } | null = null;
    if (!role.active) {
      try {
        await this.sync(role);
        lastSyncAt = new Date(now);
        syncResult = { failedSyncs: 0, lastSyncAt };
      } catch (error) {
        syncResult = { failedSyncs: role.failedSyncs + 1 };
        this.services.log.warn("backup sync failed", {
          failedSyncs: syncResult.failedSyncs,
          mainUrl: this.config.mainUrl,
          error: (error as Error).message,
        });
      }
    }
    const synchronised = lastSyncAt !== null && now - lastSyncAt.getTime() <= 3 * this.config.syncIntervalMs;
    const step = advanceOperatingLimit(limitOf(role), now, { active: role.active, synchronised }, this.config.dayMs);
    await this.raise(step.alerts, step.limit);
    const updated = await this.store.writeRole({
      ...syncResult,
      remainingMs: step.limit.remainingMs,
      accountedAt: new Date(now),
      raisedAlerts: step.limit.raised.join(","),
    });
    if (updated.active) this.serving.state = "active";
    else if (this.isMainDown(updated)) {
      if (this.serving.state !== "armed") {
        this.services.log.error("main server judged down; the backup takes over on the next appliance call", {
          failedSyncs: updated.failedSyncs,
          mainUrl: this.config.mainUrl,
        });
      }
      this.serving.state = "armed";
    } else this.serving.state = "inactive";
  }

  private isMainDown(role: BackupRoleRow): boolean {
    return role.failedSyncs >= this.config.mainDownAfterFailedSyncs && role.lastSyncAt !== null;
  }

  private async sync(role: BackupRoleRow): Promise<void> {
    if (!this.token) await this.register();
    let wire: TWireSnapshot;
    try {
      wire = await callMutation<TWireSnapshot>(
        this.config.mainUrl,
        "backup.sync",
        { active: role.active, remainingMs: role.remainingMs },
        { token: this.token!, timeoutMs: this.timeoutMs() },
      );
    } catch (error) {
      if (error instanceof RemoteCallError && error.reason === "BAD_TOKEN") this.token = null;
      throw error;
    }
    const at = new Date(this.services.now());
    const replaced = await this.store.replaceState(snapshotFromWire(wire), (before, after) => syncAudit(before, after, at));
    if (!replaced) this.services.log.info("sync skipped: the backup became active meanwhile");
  }

  private async register(): Promise<void> {
    const answer = await callMutation<{ token: string; role: string }>(
      this.config.mainUrl,
      "appliance.register",
      {
        secret: this.config.secret,
        serial: this.config.serial,
        hostname: os.hostname().slice(0, 253) || "backup",
        model: "sls-backup",
        platformLimit: 1,
        localLimit: 0,
      },
      { timeoutMs: this.timeoutMs() },
    );
    if (answer.role !== "backup") {
      throw new Error(
        `the main server does not list serial ${this.config.serial} as its backup; configure it as the backup server there`,
      );
    }
    this.token = answer.token;
    this.services.log.info("registered with the main server as its backup", { mainUrl: this.config.mainUrl });
  }

  private async raise(alerts: OperatingAlert[], limit: OperatingLimit): Promise<void> {
    if (alerts.length === 0) return;
    const at = new Date(this.services.now());
    for (const alert of alerts) {
      this.services.log.error(ALERT_TEXT[alert], { alert, operatingDaysLeft: remainingDays(limit, this.config.dayMs) });
    }
    await this.store.audit(
      alerts.map((alert) => ({
        at,
        type: "backup-alert",
        actor: "system:backup",
        detail: { alert, message: ALERT_TEXT[alert], operatingDaysLeft: remainingDays(limit, this.config.dayMs) },
      })),
    );
  }

  private timeoutMs(): number {
    return Math.max(500, Math.min(5_000, this.config.syncIntervalMs));
  }
}

export function limitOf(role: BackupRoleRow): OperatingLimit {
  const limit: OperatingLimit = {
    remainingMs: role.remainingMs,
    activeSinceMs: role.activeSince?.getTime() ?? null,
    accountedAtMs: role.accountedAt.getTime(),
    raised: role.raisedAlerts ? (role.raisedAlerts.split(",") as OperatingAlert[]) : [],
  };
  return role.active ? setActive(limit, true, limit.activeSinceMs ?? limit.accountedAtMs) : limit;
}

function syncAudit(before: ParticipantRecord | null, after: ParticipantRecord | null, at: Date): AuditInput | null {
  const grantedDelta = (after?.granted ?? 0) - (before?.granted ?? 0);
  const pendingDelta = (after?.pending ?? 0) - (before?.pending ?? 0);
  if (grantedDelta === 0 && pendingDelta === 0) return null;
  const subject = after ?? before!;
  return {
    at,
    type: "sync",
    actor: "system:sync",
    participantId: subject.id,
    serial: subject.serial,
    grantedDelta,
    pendingDelta,
    grantedAfter: after?.granted ?? 0,
    pendingAfter: after?.pending ?? 0,
  };
}
