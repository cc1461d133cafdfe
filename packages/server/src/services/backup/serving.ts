import type { PoolTransaction } from "@sls/db";
import { SlsError } from "../../errors.ts";
import type { BackupLink } from "./link-key.ts";

/** Whether this process may serve appliance calls right now. */
export interface ServingPolicy {
  /** Cheap in-memory check before anything else runs. */
  assertServing(): void;
  /**
   * The authoritative check, inside the pool transaction, so that a hand-back cannot slip
   * between the check and the grant. `issuing` is true for calls that may grant sessions.
   * Resolves to whether the call renews the participant's lease (a backup past its operating
   * limit lets grants time out).
   */
  guard(tx: PoolTransaction, now: number, issuing: boolean): Promise<boolean>;
  /** Refresh skips the pool lock on the main server; a backup always takes it (to activate). */
  readonly refreshTakesLock: boolean;
  /** The backup link (SLS_BACKUP_KEY); null on a main server without a key, which then has no backup link. */
  readonly link: BackupLink | null;
}

export function mainServing(link: BackupLink | null): ServingPolicy {
  return {
    assertServing() {},
    async guard() {
      return true;
    },
    refreshTakesLock: false,
    link,
  };
}

function backupInactive(): SlsError {
  return new SlsError(
    "BACKUP_INACTIVE",
    "This is the backup licensing server and it is not serving while the main server is reachable; send the call to the main server.",
  );
}

/** The backup role: inactive while the main server answers; armed once it is judged down; active from the first call after that. */
export class BackupServing implements ServingPolicy {
  readonly refreshTakesLock = true;
  /** Updated by the sync loop and by activation. */
  state: "inactive" | "armed" | "active" = "inactive";

  constructor(
    readonly link: BackupLink,
    private readonly mainDownAfterFailedSyncs: number,
    private readonly onActivated: (tx: PoolTransaction, at: Date) => Promise<void>,
  ) {}

  assertServing(): void {
    if (this.state === "inactive") throw backupInactive();
  }

  async guard(tx: PoolTransaction, now: number, issuing: boolean): Promise<boolean> {
    const role = await tx.backup.readRole();
    if (!role) throw backupInactive();
    if (!role.active) {
      const mainDown = role.failedSyncs >= this.mainDownAfterFailedSyncs && role.lastSyncAt !== null;
      if (!mainDown || role.remainingMs <= 0) throw backupInactive();
      await tx.backup.activateRole(new Date(now));
      await this.onActivated(tx, new Date(now));
      this.state = "active";
    }
    if (issuing && role.remainingMs <= 0) {
      throw new SlsError(
        "BACKUP_LIMIT_REACHED",
        "The backup server has used up its operating limit and issues no more sessions; bring the main server back.",
      );
    }
    return role.remainingMs > 0;
  }
}
