import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { RULES } from "./contracts/rules.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "./http/connection-limits.ts";
import { AddressSet } from "./http/ip-address.ts";
import { normaliseServerAddress, type Scheme, ZServerAddress } from "./services/backup/address.ts";

const ZPort = z.coerce.number().int().min(1).max(65535);
const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

const ZEnv = z.object({
  PORT: ZPort.default(3000),
  /** Optional dedicated appliance listener (the original's licence port is 50554). */
  SLS_LICENSE_PORT: ZPort.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
    .optional(),
  SLS_POOL_SIZE: optionalInt(0, 1_000_000),
  /** Its minimum length is checked when it seeds a new database (boot.ts): a shorter one in use keeps working. */
  SLS_SHARED_SECRET: z
    .string()
    .max(RULES.secret.maxLength, `must be at most ${RULES.secret.maxLength} characters`)
    .regex(new RegExp(RULES.secret.pattern), "must be printable characters without spaces")
    .optional(),
  SLS_REFRESH_INTERVAL_SEC: optionalInt(10, 300),
  SLS_SERVER_ID: z.string().min(1).max(128).optional(),
  /** How often the reclaim sweep runs, in ms. */
  SLS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  /** The longest a grant-changing call may wait for the pool lock before it is refused as OVERLOADED. */
  SLS_CALL_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** How often lease renewals kept in memory are written (at most 1 s apart in production; tests lengthen it). */
  SLS_LEASE_FLUSH_MS: z.coerce.number().int().min(50).max(600_000).default(500),
  SLS_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  SLS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** `backup` runs this process as the backup server of the main server at SLS_MAIN_URL. */
  SLS_ROLE: z.enum(["main", "backup"]).default("main"),
  /**
   * The main server's address, as host:port or an http(s) URL; normalised as the console's backup
   * address (without a scheme, this server's own: https when it runs TLS).
   */
  SLS_MAIN_URL: ZServerAddress.optional(),
  SLS_BACKUP_SERIAL: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1–64 characters of A–Z a–z 0–9 . _ -")
    .optional(),
  /**
   * The backup link key, the same on the main server and its backup: authenticates backup.register,
   * backup.sync and backup.handback both ways (HMAC-SHA256), and is the backup's only credential
   * (SLS_SHARED_SECRET is not needed in the backup role). Generate one with `openssl rand -base64 32`.
   */
  SLS_BACKUP_KEY: z
    .string()
    .regex(
      /^[\x21-\x7e]{32,256}$/,
      "must be 32–256 printable characters without spaces; generate one with: openssl rand -base64 32",
    )
    .optional(),
  /** Backup ↔ main synchronisation period (spec: 10 s). */
  SLS_SYNC_INTERVAL_MS: z.coerce.number().int().min(20).max(600_000).default(10_000),
  /** Failed syncs in a row after which the backup judges the main server down. */
  SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: z.coerce.number().int().min(1).max(100).default(3),
  /** Length of a "day" of the backup operating limit; shortened only in tests. */
  SLS_DAY_MS: z.coerce.number().int().min(100).default(86_400_000),
  /** Where the setup code's file goes when the database is not a SQLite file (default: the repo's data/). */
  SLS_DATA_DIR: z.string().min(1).optional(),
  /**
   * Host names (and addresses) the console answers to, comma-separated; other Host headers are
   * refused on console routes (DNS rebinding). Default: loopback, this machine's names and addresses.
   */
  SLS_ALLOWED_HOSTS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9.:[\]-]+(\s*,\s*[A-Za-z0-9.:[\]-]+)*\s*$/,
      "must be host names or addresses separated by commas",
    )
    .optional(),
  /** PEM certificate (chain) and private key: both set → HTTPS on the web port and the licence port. */
  SLS_TLS_CERT: z.string().min(1).optional(),
  SLS_TLS_KEY: z.string().min(1).optional(),
  /**
   * Reverse proxies in front of this server (addresses or CIDR ranges, comma-separated): only for
   * connections from them is the client's address read from X-Forwarded-For.
   */
  SLS_TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      try {
        AddressSet.parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /**
   * Open connections one client address may hold on each listener (an IPv6 address by itself, its
   * /64 up to ten times that); trusted proxies are exempt. A fleet behind one NAT shares one address: raise it for one.
   */
  SLS_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
  /** GET /metrics (Prometheus) on the web port and the licence port; `off` removes it. */
  SLS_METRICS: z.enum(["on", "off"]).default("on"),
  /** Days of audit history and capacity history kept; older rows are pruned in small batches every hour. */
  SLS_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(400),
  /** `on` lets alert channels point at loopback and link-local hosts (refused by default; alerts/destinations.ts). */
  SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: z.enum(["on", "off"]).default("off"),
  /** When set, /metrics answers only `Authorization: Bearer <this token>`. */
  SLS_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, "must be 16–256 printable characters without spaces")
    .optional(),
});

export type TEnv = z.infer<typeof ZEnv> & { DATABASE_URL: string; SLS_SERVER_ID: string; SLS_DATA_DIR: string };

export class EnvError extends Error {}

/** Reads and validates the environment, listing every problem at once. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TEnv {
  const relevant = Object.fromEntries(
    Object.keys(ZEnv.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
  const parsed = ZEnv.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment; fix these and start again:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (env.SLS_ROLE === "backup") {
    const missing = (["SLS_MAIN_URL", "SLS_BACKUP_SERIAL", "SLS_BACKUP_KEY"] as const).filter((key) => !env[key]);
    if (missing.length > 0) {
      throw new EnvError(
        `Invalid environment; fix these and start again:\n${missing.map((key) => `  - ${key}: required when SLS_ROLE=backup${key === "SLS_BACKUP_KEY" ? " (the backup link key, the same as on the main server; generate one with: openssl rand -base64 32)" : ""}`).join("\n")}`,
      );
    }
  }
  if (Boolean(env.SLS_TLS_CERT) !== Boolean(env.SLS_TLS_KEY)) {
    const missing = env.SLS_TLS_CERT ? "SLS_TLS_KEY" : "SLS_TLS_CERT";
    throw new EnvError(
      `Invalid environment; fix these and start again:\n  - ${missing}: required with ${missing === "SLS_TLS_KEY" ? "SLS_TLS_CERT" : "SLS_TLS_KEY"} (HTTPS needs both PEM files)`,
    );
  }
  return {
    ...env,
    SLS_MAIN_URL: env.SLS_MAIN_URL && (normaliseServerAddress(env.SLS_MAIN_URL, ownScheme(env)) ?? undefined),
    DATABASE_URL: env.DATABASE_URL ?? `file:${path.join(findRepoRoot(cwd), "data", "sls.db")}`,
    SLS_DATA_DIR: path.resolve(cwd, env.SLS_DATA_DIR ?? path.join(findRepoRoot(cwd), "data")),
    SLS_SERVER_ID: env.SLS_SERVER_ID ?? `${os.hostname()}:${env.PORT}`,
  };
}

/** The scheme this server answers on: https when it has a certificate (both PEM files; loadEnv checks the pair). */
export function ownScheme(env: Pick<TEnv, "SLS_TLS_CERT">): Scheme {
  return env.SLS_TLS_CERT ? "https" : "http";
}

function findRepoRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}
