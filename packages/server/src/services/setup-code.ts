import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Store } from "@sls/db";
import type { Logger } from "../logger.ts";

/** 32 letters and digits without I, O, 0 and 1, so a code read aloud or retyped survives. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** 24 characters of 5 bits: 120 random bits, far beyond any online guessing. */
const CODE_LENGTH = 24;
/** The audit type whose rows carry the SHA-256 of each code issued (never the code itself). */
const SETUP_CODE_EVENT = "admin.setup-code";
/** More codes than any cluster issues before its first account: each process start adds at most one. */
const MAX_CODES_READ = 10_000;

/**
 * The one-time setup code: until the first account exists, `auth.setup` needs a code that only
 * someone who can read this server's log or its data folder has. Each process issues one at start
 * (or reuses the one in its file), writes it to an owner-only file and records its hash as an audit
 * row, so that every process on a shared database accepts every code any of them issued.
 */
function newSetupCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is a multiple of 32: masking keeps every character equally likely.
  const chars = Array.from(bytes, (byte) => ALPHABET[byte & 31]);
  return Array.from({ length: CODE_LENGTH / 4 }, (_, i) => chars.slice(i * 4, i * 4 + 4).join("")).join("-");
}

/** What a person may type: any case, with or without the dashes and spaces. */
function normaliseSetupCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

function codeHash(code: string): Buffer {
  return createHash("sha256").update(normaliseSetupCode(code)).digest();
}

/** Beside a SQLite database file; otherwise in the data folder, named after the database. */
export function setupCodeFile(databaseUrl: string, dataDir: string): string {
  if (databaseUrl.startsWith("file:")) return `${databaseUrl.slice("file:".length).split("?")[0]}.setup-code`;
  const name = new URL(databaseUrl).pathname.replace(/^\//, "") || "postgres";
  return path.join(dataDir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.setup-code`);
}

export class SetupCodes {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** Where this process writes its code (0600). */
    readonly file: string,
    private readonly serverId: string,
    private readonly now: () => number,
  ) {}

  /** At start: while no account exists, makes sure a valid code is in the file and in the log. */
  async issue(consoleUrl: string): Promise<void> {
    if ((await this.store.accounts.count()) > 0) {
      this.discard();
      return;
    }
    const issued = await this.issuedHashes();
    const kept = this.readFile();
    let code = kept && issued.some((hash) => sameHash(hash, codeHash(kept))) ? kept : null;
    if (!code) {
      code = newSetupCode();
      const recorded = await this.store.inPoolTransaction(async (pool) => {
        if ((await pool.accounts.count()) > 0) return false;
        const detail = { sha256: codeHash(code!).toString("hex"), server: this.serverId };
        await pool.audit([
          { at: new Date(this.now()), type: SETUP_CODE_EVENT, actor: `server:${this.serverId}`, detail },
        ]);
        return true;
      });
      if (!recorded) return;
      this.writeFile(code);
    }
    this.log.warn(
      `No console account exists yet: open ${consoleUrl}/setup and enter the setup code ${code} (also in ${this.file})`,
      {
        setupCode: code,
        setupCodeFile: this.file,
      },
    );
  }

  /** Whether `typed` is a code some process on this database issued; compared in constant time. */
  async matches(typed: string): Promise<boolean> {
    const candidate = codeHash(typed);
    let found = false;
    for (const hash of await this.issuedHashes()) found = sameHash(hash, candidate) || found;
    return found;
  }

  /** Once an account exists the code is spent: the file goes (its hash stays, inert, in the audit). */
  discard(): void {
    try {
      rmSync(this.file, { force: true });
    } catch (error) {
      this.log.error("could not remove the spent setup code file", { file: this.file, error });
    }
  }

  private async issuedHashes(): Promise<Buffer[]> {
    const { rows } = await this.store.auditQueries.export({ types: [SETUP_CODE_EVENT] }, MAX_CODES_READ);
    return rows.flatMap((row) => {
      try {
        const { sha256 } = JSON.parse(row.detail ?? "{}") as { sha256?: unknown };
        return typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256) ? [Buffer.from(sha256, "hex")] : [];
      } catch {
        return [];
      }
    });
  }

  private readFile(): string | null {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8").trim();
    } catch {
      return null;
    }
    return normaliseSetupCode(text).length === CODE_LENGTH ? text : null;
  }

  /** Written whole (temporary file, then rename) and readable by the owner only. */
  private writeFile(code: string): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${code}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
