import type { ServerRole } from "./events.ts";
import { baseUrlOf, type BackupInfo } from "./protocol.ts";

/** Which server calls go to: the main one, or the backup whose address the main one gave. */
export class ServerChoice {
  role: ServerRole = "main";
  private backupUrl: string | null = null;

  constructor(private readonly mainUrl: string) {}

  get current(): string {
    return this.role === "backup" && this.backupUrl ? this.backupUrl : this.mainUrl;
  }

  get backup(): string | null {
    return this.backupUrl;
  }

  /** The main server's answers say where the backup is (or that there is none). */
  learnBackup(backup: BackupInfo): void {
    if (this.role === "main") this.backupUrl = backup ? baseUrlOf(backup.address) : null;
  }

  /** The other server to try, if there is one. */
  alternative(): ServerRole | null {
    if (this.role === "backup") return "main";
    return this.backupUrl ? "backup" : null;
  }

  switchTo(role: ServerRole): { from: ServerRole; to: ServerRole; baseUrl: string } {
    const from = this.role;
    this.role = role;
    return { from, to: role, baseUrl: this.current };
  }
}
