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
import { poolViolations } from "./answer-checks.ts";
import { LinkRefusal } from "./link-key.ts";
import type { BackupServing } from "./serving.ts";
import { ZBackupRegisterAnswer, type TBackupRegisterAnswer, type TBackupRegisterRequest } from "./register-wire.ts";
import { changesFromWire, ZSyncAnswer, type TSyncAnswer, type TSyncRequest } from "./snapshot-wire.ts";

export interface BackupConfig {
  mainUrl: string;
  serial: string;
  syncIntervalMs: number;
  mainDownAfterFailedSyncs: number;
  dayMs: number;
}

const FULL_SNAPSHOT_TIMEOUT_MS = 120_000;
const MAX_CAUSE_CHARS = 500;
/** Failed syncs kept for the outage report: the latest ones of the run that judged the main server down. */
const KEPT_FAILED_SYNCS = 50;

/**
 * The main server answered, but the backup cannot synchronise: the main server refused the call
 * (any 4xx), or the backup refused its answer. `kind` names the cause for the alert.
 */
class LinkTrouble extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Only these count towards "main down": no answer at all (refused, timed out) or a 5xx. */
function mainUnreachable(error: unknown): error is RemoteCallError {
  return error instanceof RemoteCallError && (error.status === null || error.status >= 500);
}

function asTrouble(error: unknown): LinkTrouble | null {
  if (error instanceof LinkTrouble) return error;
  if (error instanceof RemoteCallError) {
    const kind = error.reason ?? `HTTP ${error.status}`;
    return new LinkTrouble(kind, `the main server refused the call: ${kind}: ${error.message}`, {
      status: error.status,
      reason: error.reason,
    });
  }
  return null;
}

const ALERT_TEXT: Record<OperatingAlert, string> = {
  ACTIVE_15_DAYS: "CRITICAL: the backup server has been serving for 15 days; bring the main server back",
  LIMIT_REACHED:
    "CRITICAL: the backup server reached its operating limit and issues no more sessions; grants will time out",
};

/** The main server's change sequence number this backup has applied, in the database it names. */
interface SyncCursor {
  after: string;
  epoch: string;
}

/**
 * The backup server's side of the protocol: register with the main server over the backup link
 * (backup.register, sealed with the link key), call backup.sync every interval and apply the
 * changes since the last one (a full snapshot the first time), judge the main server down after
 * several syncs in a row that got no answer (the backup is then "armed" and activates on the
 * first appliance call), and account the operating limit. A refusal from the main server is an
 * answer: it is logged and alerted, and never arms the backup.
 */
export class BackupRunner {
  private registered = false;
  /** The cause of the last refused sync, so that a refusal repeated every interval is alerted once. */
  private trouble: string | null = null;
  /** Kept in memory: after a restart of the backup, its first sync is a full snapshot. */
  private cursor: SyncCursor | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** The syncs in a row that got no answer (when, why), for the backup.main-down audit row. */
  private failedRun: Array<{ at: string; error: string }> = [];

  constructor(
    private readonly services: Pick<Services, "now" | "log">,
    private readonly store: BackupStore,
    readonly serving: BackupServing,
    private readonly config: BackupConfig,
  ) {}

  private get link() {
    return this.serving.link;
  }

  async start(): Promise<void> {
    const now = this.services.now();
    const role = await this.store.initRole(
      this.config.mainUrl,
      initialOperatingLimit(now, this.config.dayMs).remainingMs,
      new Date(now),
    );
    if (role.active) this.serving.state = "active";
    else if (this.isMainDown(role)) await this.arm(now);
    this.services.log.info("backup role started", {
      mainUrl: this.config.mainUrl,
      serial: this.config.serial,
      active: role.active,
      operatingDaysLeft: Number((role.remainingMs / this.config.dayMs).toFixed(2)),
    });
    // Not awaited: the first sync of a large fleet is a full snapshot that takes a while, and the
    // process answers (BACKUP_INACTIVE, health) meanwhile.
    void this.tick();
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
        const applied = await this.sync(role);
        if (applied) {
          lastSyncAt = new Date(now);
          syncResult = { failedSyncs: 0, lastSyncAt };
          this.failedRun = [];
          this.linkWorks();
        }
      } catch (error) {
        if (mainUnreachable(error)) {
          syncResult = { failedSyncs: role.failedSyncs + 1 };
          this.failedRun = [
            ...this.failedRun,
            { at: new Date(now).toISOString(), error: error.message.slice(0, MAX_CAUSE_CHARS) },
          ].slice(-KEPT_FAILED_SYNCS);
          this.services.log.warn("backup sync failed: the main server did not answer", {
            failedSyncs: syncResult.failedSyncs,
            mainUrl: this.config.mainUrl,
            error: error.message,
          });
        } else {
          const trouble = asTrouble(error);
          if (!trouble) throw error;
          // The main server answered, so it is up: the count of syncs without an answer starts again.
          syncResult = { failedSyncs: 0 };
          this.failedRun = [];
          await this.linkRefused(trouble);
        }
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
        await this.store.audit([
          {
            at: new Date(now),
            type: "backup.main-down",
            actor: "system:sync",
            detail: {
              mainUrl: this.config.mainUrl,
              lastSyncAt: updated.lastSyncAt?.toISOString() ?? null,
              failedSyncs: this.failedRun,
            },
          },
        ]);
      }
      await this.arm(now);
    } else this.serving.state = "inactive";
  }

  /**
   * Ready to serve. Lease renewals on the main server carry no change sequence number, so the
   * mirrored lastSeenAt of a participant is as old as its last grant change; silence is counted
   * from now at the earliest, renewed every interval while armed, so that appliances turning to
   * the backup are not reclaimed for a silence that happened on the main server.
   */
  private async arm(now: number): Promise<void> {
    await this.store.touchLeasesFrom(new Date(now));
    this.serving.state = "armed";
  }

  private isMainDown(role: BackupRoleRow): boolean {
    return role.failedSyncs >= this.config.mainDownAfterFailedSyncs && role.lastSyncAt !== null;
  }

  /**
   * One backup.sync: resolves to whether its answer was applied (false: this backup serves
   * meanwhile); throws RemoteCallError when the call failed, LinkTrouble when its answer was refused.
   */
  private async sync(role: BackupRoleRow): Promise<boolean> {
    if (!this.registered) await this.register();
    // Never synchronised, or handed back since (the hand-back clears lastSyncAt): start afresh.
    if (role.lastSyncAt === null) this.cursor = null;
    const body: TSyncRequest = {
      active: role.active,
      remainingMs: role.remainingMs,
      after: this.cursor?.after ?? null,
      epoch: this.cursor?.epoch ?? null,
    };
    const request = this.link.seal("sync-request", body);
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    let bytes = 0;
    let raw: unknown;
    try {
      raw = await callMutation<unknown>(this.config.mainUrl, "backup.sync", request, {
        // A full snapshot of a large fleet takes the main server seconds to read and send.
        timeoutMs: body.after === null ? FULL_SNAPSHOT_TIMEOUT_MS : this.timeoutMs(),
        onBytes: (n) => (bytes = n),
      });
    } catch (error) {
      // Refused (say the backup's registration was removed): register again before the next sync.
      if (!mainUnreachable(error)) this.registered = false;
      throw error;
    }
    let answer: TSyncAnswer;
    try {
      answer = this.link.open(`sync-answer:${request.nonce}`, raw, ZSyncAnswer);
    } catch (error) {
      if (!(error instanceof LinkRefusal)) throw error;
      return this.refuse([error.message], bytes);
    }
    const at = new Date(this.services.now());
    const changes = changesFromWire(answer);
    const outcome = await this.store.applyChanges(changes, at, {
      check: (untouched) => poolViolations(changes.server, changes.participants, changes.full ? null : untouched),
      audit: (before, after) => syncAudit(before, after, at),
    });
    if (!outcome.applied) {
      if (outcome.why === "refused") return this.refuse(outcome.violations, bytes);
      this.services.log.info("sync skipped: the backup became active meanwhile");
      return false;
    }
    this.cursor = { after: answer.seq, epoch: answer.epoch };
    const cpu = process.cpuUsage(cpuBefore);
    this.services.log.debug("backup sync applied", {
      full: answer.full,
      participants: answer.participants.length,
      removed: answer.removed.length,
      seq: answer.seq,
      bytes,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ms: Math.round(performance.now() - startedAt),
    });
    return true;
  }

  /** A sync answer that fails its seal, its schema or the pool invariants: nothing is written; the next sync asks for a full snapshot. */
  private async refuse(reasons: string[], bytes: number): Promise<never> {
    this.cursor = null;
    const detail = { mainUrl: this.config.mainUrl, bytes, reasons: reasons.slice(0, 10) };
    this.services.log.error("backup sync answer refused; nothing of it was applied", detail);
    await this.store.audit([
      { at: new Date(this.services.now()), type: "backup.sync-refused", actor: "system:sync", detail },
    ]);
    throw new LinkTrouble("answer-refused", `the backup refused the main server's sync answer: ${reasons[0]}`);
  }

  /** Registers the configured serial over the backup link (backup.register, sealed both ways). */
  private async register(): Promise<void> {
    const request = this.link.seal("register-request", {
      serial: this.config.serial,
      hostname: os.hostname().slice(0, 253) || "backup",
    } satisfies TBackupRegisterRequest);
    const raw = await callMutation<unknown>(this.config.mainUrl, "backup.register", request, {
      timeoutMs: this.timeoutMs(),
    });
    let answer: TBackupRegisterAnswer;
    try {
      answer = this.link.open(`register-answer:${request.nonce}`, raw, ZBackupRegisterAnswer);
    } catch (error) {
      if (!(error instanceof LinkRefusal)) throw error;
      throw new LinkTrouble(
        "register-answer-refused",
        `the backup refused the backup.register answer: ${error.message}`,
      );
    }
    if (answer.role !== "backup") {
      throw new LinkTrouble(
        "not-the-backup",
        `the main server does not list serial ${this.config.serial} as its backup; configure it as the backup server there`,
      );
    }
    this.registered = true;
    this.services.log.info("registered with the main server as its backup", { mainUrl: this.config.mainUrl });
  }

  /**
   * The main server answered but the sync failed: logged every time, and written once per change
   * of cause as a backup.link-refused audit row, which the alert engine turns into an alert.
   */
  private async linkRefused(trouble: LinkTrouble): Promise<void> {
    // The cause quotes the other server's message: capped before it reaches the log, an audit row and alerts.
    const detail = {
      mainUrl: this.config.mainUrl,
      cause: trouble.message.slice(0, MAX_CAUSE_CHARS),
      ...trouble.detail,
    };
    this.services.log.error(
      "backup sync refused while the main server answers; the backup does not take over for this",
      detail,
    );
    if (this.trouble === trouble.kind) return;
    this.trouble = trouble.kind;
    await this.store.audit([
      { at: new Date(this.services.now()), type: "backup.link-refused", actor: "system:sync", detail },
    ]);
  }

  private linkWorks(): void {
    if (this.trouble === null) return;
    this.trouble = null;
    this.services.log.info("backup syncs work again", { mainUrl: this.config.mainUrl });
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

function limitOf(role: BackupRoleRow): OperatingLimit {
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
