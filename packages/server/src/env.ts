import { DAY_MS, HOUR_MS, MINUTE_MS } from "@sls/allocator";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { RULES } from "./contracts/rules.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "./http/connection-limits.ts";
import { AddressSet } from "./http/ip-address.ts";
import { DEFAULT_CALL_DEADLINE_MS } from "./services/pool/pool-queue.ts";
import { normaliseServerAddress, type Scheme, ZServerAddress } from "./services/backup/address.ts";

const ZPort = z.coerce.number().int().min(1).max(65535);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** An OpenID issuer: https, or http only on a loopback host (a provider on this machine, or a test). */
const ZOidcIssuer = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).refine((text) => {
  // Checked only once it is a URL at all (z.url's own message covers the rest).
  const url = URL.canParse(text) ? new URL(text) : null;
  return !url || url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
}, "must be an https:// URL (http:// is accepted only for localhost, 127.0.0.1 or [::1])");

const ZGroupList = z
  .string()
  .transform((text) => [
    ...new Set(
      text
        .split(",")
        .map((group) => group.trim())
        .filter(Boolean),
    ),
  ])
  .refine((groups) => groups.length > 0, "must name at least one group (comma-separated)");

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/**
 * One environment variable: its schema, and what an operator reads about it in
 * docs/configuration.md (generated from this list by `npm run docs:tables`). `meaning` is
 * required, so a variable cannot be added without it. The default and the accepted numbers or
 * words are read from the schema; `default` is written only where the value is worked out at
 * start (loadEnv, boot.ts) rather than by the schema, and is "unset" when left out.
 */
export interface EnvVariable {
  readonly schema: z.ZodType;
  /** Markdown for the table cell: one paragraph, links relative to docs/. */
  readonly meaning: string;
  readonly default?: string;
}

const FIRST_START_ONLY = "**first start only** (afterwards the administrator owns it in the console)";

/** What a new database is seeded with when SLS_POOL_SIZE or SLS_REFRESH_INTERVAL_SEC is unset (boot.ts). */
export const FIRST_START_DEFAULTS = { poolSize: 0, refreshIntervalSec: 30 } as const;

/** Every variable the server reads, in the order docs/configuration.md lists them. */
export const ENV_VARIABLES = {
  PORT: { schema: ZPort.default(3000), meaning: "web port: admin console and `/api/trpc`" },
  SLS_LICENSE_PORT: {
    schema: ZPort.optional(),
    meaning: "optional extra port serving only the appliance calls (the original uses 50554)",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
      .optional(),
    default: "`file:<repo>/data/sls.db`",
    meaning: "`file:…` for SQLite, `postgresql://…` for PostgreSQL; migrations are applied on start",
  },
  SLS_POOL_SIZE: {
    schema: optionalInt(RULES.poolSize.min, RULES.poolSize.max),
    default: `\`${FIRST_START_DEFAULTS.poolSize}\``,
    meaning: `pool size, ${FIRST_START_ONLY}`,
  },
  SLS_SHARED_SECRET: {
    schema: z
      .string()
      .max(RULES.secret.maxLength, `must be at most ${RULES.secret.maxLength} characters`)
      .regex(new RegExp(RULES.secret.pattern), "must be printable characters without spaces")
      .optional(),
    // Its minimum length is checked when it seeds a new database (boot.ts): a shorter one in use keeps working.
    meaning: `shared secret (${RULES.secret.minLength}–${RULES.secret.maxLength} printable characters without spaces), **first start only**: it sets a new database's secret and a shorter one refuses the start; on an existing database it is ignored (a shorter secret set earlier keeps working). Stored only as a salted scrypt hash. Not used in the backup role`,
  },
  SLS_REFRESH_INTERVAL_SEC: {
    schema: optionalInt(RULES.refreshIntervalSec.min, RULES.refreshIntervalSec.max),
    default: `\`${FIRST_START_DEFAULTS.refreshIntervalSec}\``,
    meaning: `refresh interval in seconds told to appliances, ${FIRST_START_ONLY}`,
  },
  SLS_SERVER_ID: {
    schema: z.string().min(1).max(128).optional(),
    default: "`<hostname>:<PORT>`",
    meaning: "names this process in the message counters",
  },
  SLS_SWEEP_INTERVAL_MS: {
    schema: z.coerce.number().int().min(50).max(HOUR_MS).default(5_000),
    meaning: "how often, in ms, silent participants are looked for and reclaimed",
  },
  SLS_CALL_DEADLINE_MS: {
    schema: z.coerce.number().int().min(100).max(MINUTE_MS).default(DEFAULT_CALL_DEADLINE_MS),
    meaning:
      "the longest, in ms, a grant-changing call may wait for the pool lock; a call expected to wait longer is refused at once with `TOO_MANY_REQUESTS` / `OVERLOADED` and `retryAfterMs`",
  },
  SLS_LEASE_FLUSH_MS: {
    schema: z.coerce.number().int().min(50).max(600_000).default(500),
    meaning:
      "how often, in ms, lease renewals answered from memory are written to the database (at most 1 s apart in production; tests lengthen it; see [ARCHITECTURE.md](../ARCHITECTURE.md))",
  },
  SLS_DB_POOL_MAX: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    meaning: "PostgreSQL connections per process",
  },
  SLS_LOG_LEVEL: {
    schema: z.enum(["debug", "info", "warn", "error"]).default("info"),
    meaning: "the least severe log events written; logs are JSON lines on stderr",
  },
  SLS_TRUST_PROXY: {
    schema: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        try {
          AddressSet.parse(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    meaning:
      "reverse proxies in front of the server (addresses or CIDR ranges, comma-separated, e.g. `10.0.0.0/8`); only for connections from them are `X-Forwarded-For` (the client's address), `X-Forwarded-Host` and `X-Forwarded-Proto` read; from anyone else they are ignored",
  },
  SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: {
    // Checked in alerts/destinations.ts.
    schema: z.enum(["on", "off"]).default("off"),
    meaning:
      "`on` lets alert channels (webhook, syslog, SMTP) point at loopback (`127.0.0.0/8`, `::1`), link-local (`169.254.0.0/16`, `fe80::/10`) or unspecified (`0.0.0.0`, `::`) addresses, or names that resolve to them; refused otherwise, when saved and at each delivery. Private ranges are always allowed",
  },
  SLS_MAX_CONNECTIONS_PER_ADDRESS: {
    schema: z.coerce.number().int().min(1).default(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
    meaning:
      "open connections one client address may hold on each listener (an IPv6 address counts by itself, and its /64 may hold ten times this in all); more are closed at once. Appliances behind one NAT share its address: raise it above the number of appliances behind the largest NAT. Trusted proxies count only against the global cap of 10,000",
  },
  SLS_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(7).max(3650).default(400),
    meaning: "days of audit history, capacity history and alerts kept; older rows are pruned hourly, in small batches",
  },
  SLS_METRICS: {
    schema: z.enum(["on", "off"]).default("on"),
    meaning: "`GET /metrics` (Prometheus) on the web port and the licence port; `off` removes it",
  },
  SLS_METRICS_TOKEN: {
    schema: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, "must be 16–256 printable characters without spaces")
      .optional(),
    meaning:
      "when set (16–256 printable characters without spaces), `/metrics` answers only `Authorization: Bearer <token>`",
  },
  SLS_ALLOWED_HOSTS: {
    schema: z
      .string()
      .regex(
        /^\s*[A-Za-z0-9.:[\]-]+(\s*,\s*[A-Za-z0-9.:[\]-]+)*\s*$/,
        "must be host names or addresses separated by commas",
      )
      .optional(),
    default: "loopback, this machine's host names and interface addresses",
    meaning:
      "host names (or addresses) the console answers to, comma-separated; replaces the default list. Other `Host` headers are refused on console routes (DNS rebinding). Appliance calls answer to any",
  },
  SLS_TLS_CERT: {
    schema: z.string().min(1).optional(),
    meaning:
      "PEM certificate (chain) file; with `SLS_TLS_KEY` (both or neither) → HTTPS on `PORT` and `SLS_LICENSE_PORT` (see [operating.md](operating.md))",
  },
  SLS_TLS_KEY: {
    schema: z.string().min(1).optional(),
    meaning: "PEM private key file of `SLS_TLS_CERT`; both set or neither",
  },
  SLS_OIDC_ISSUER: {
    schema: ZOidcIssuer.optional(),
    meaning:
      "single sign-on for the console: the OpenID Connect provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). `https://` only; `http://` is accepted for a loopback issuer (`localhost`, `127.0.0.1`, `::1`) alone. With it, `SLS_OIDC_CLIENT_ID`, `SLS_OIDC_CLIENT_SECRET` and at least one of the group lists are required. The provider redirects back to `/api/auth/oidc/callback` on the console's origin (see [console.md](console.md#single-sign-on))",
  },
  SLS_OIDC_CLIENT_ID: {
    schema: z.string().min(1).max(512).optional(),
    meaning: "the console's client id at the provider (SSO)",
  },
  SLS_OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).max(1024).optional(),
    meaning: "the console's client secret at the provider (SSO); never logged nor shown",
  },
  SLS_OIDC_GROUPS_CLAIM: {
    schema: z
      .string()
      .regex(/^[\x21-\x7e]{1,256}$/, "must be a claim name without spaces")
      .default("groups"),
    meaning: "the ID token (or userinfo) claim that lists the user's groups: an array of names, or one name",
  },
  SLS_OIDC_ADMIN_GROUPS: {
    schema: ZGroupList.optional(),
    meaning: "groups (comma-separated) whose members get the admin role, at every SSO sign-in; admin wins over viewer",
  },
  SLS_OIDC_VIEWER_GROUPS: {
    schema: ZGroupList.optional(),
    meaning: "groups (comma-separated) whose members get the viewer role; someone in none of the groups is refused",
  },
  SLS_LOCAL_LOGIN: {
    schema: z.enum(["on", "off"]).default("on"),
    meaning:
      "`off` refuses sign-in with a console password except for accounts marked break-glass (needs SSO configured); `on` lets every local account sign in",
  },
  SLS_DATA_DIR: {
    schema: z.string().min(1).optional(),
    default: "`<repo>/data`",
    meaning:
      "where the setup code's file goes when the database is PostgreSQL (with SQLite it sits beside the database file)",
  },
  SLS_ROLE: {
    schema: z.enum(["main", "backup"]).default("main"),
    meaning: "`backup` runs this process as the backup server of the main server at `SLS_MAIN_URL`",
  },
  SLS_MAIN_URL: {
    // Normalised as the console's backup address (services/backup/address.ts).
    schema: ZServerAddress.optional(),
    meaning:
      "the main server's address, `host:port` (https when this server runs TLS, http otherwise) or an http(s) URL (backup role: required)",
  },
  SLS_BACKUP_SERIAL: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1–64 characters of A–Z a–z 0–9 . _ -")
      .optional(),
    meaning: "this backup's serial, as configured on the main server (backup role: required)",
  },
  SLS_BACKUP_KEY: {
    schema: z
      .string()
      .regex(
        /^[\x21-\x7e]{32,256}$/,
        "must be 32–256 printable characters without spaces; generate one with: openssl rand -base64 32",
      )
      .optional(),
    meaning:
      "the backup link key (32–256 printable characters without spaces), the same on the main server and its backup: it authenticates `backup.register`, `backup.sync` and `backup.handback` both ways (HMAC-SHA256) and is the backup's only credential (backup role: required; `SLS_SHARED_SECRET` is not needed there). Generate one with `openssl rand -base64 32`",
  },
  SLS_SYNC_INTERVAL_MS: {
    schema: z.coerce.number().int().min(20).max(600_000).default(10_000),
    meaning: "backup ↔ main synchronisation and hand-back check period, in ms (the spec's 10 s)",
  },
  SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: {
    schema: z.coerce.number().int().min(1).max(100).default(3),
    meaning:
      "syncs in a row without an answer from the main server (refused connection, time-out, 5xx) before the backup may take over; refusals (4xx) do not count",
  },
  SLS_DAY_MS: {
    schema: z.coerce.number().int().min(100).default(DAY_MS),
    meaning: 'length in ms of a "day" of the backup operating limit (shortened only in tests)',
  },
} as const satisfies Record<string, EnvVariable>;

type EnvShape = { [K in keyof typeof ENV_VARIABLES]: (typeof ENV_VARIABLES)[K]["schema"] };

const ZEnv = z.object(
  Object.fromEntries(Object.entries(ENV_VARIABLES).map(([name, variable]) => [name, variable.schema])) as EnvShape,
);

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
  const sso = ssoProblems(env);
  if (sso.length > 0) {
    throw new EnvError(
      `Invalid environment; fix these and start again:\n${sso.map((line) => `  - ${line}`).join("\n")}`,
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

/** What single sign-on needs once its issuer is set, and what SLS_LOCAL_LOGIN=off needs. */
function ssoProblems(env: z.infer<typeof ZEnv>): string[] {
  if (!env.SLS_OIDC_ISSUER) {
    return env.SLS_LOCAL_LOGIN === "off"
      ? [
          "SLS_LOCAL_LOGIN: off needs single sign-on (SLS_OIDC_ISSUER and the rest), or nobody but break-glass accounts could sign in",
        ]
      : [];
  }
  const problems: string[] = [];
  if (!env.SLS_OIDC_CLIENT_ID)
    problems.push("SLS_OIDC_CLIENT_ID: required with SLS_OIDC_ISSUER (the console's client id at the provider)");
  if (!env.SLS_OIDC_CLIENT_SECRET)
    problems.push(
      "SLS_OIDC_CLIENT_SECRET: required with SLS_OIDC_ISSUER (the console's client secret at the provider)",
    );
  if (!env.SLS_OIDC_ADMIN_GROUPS && !env.SLS_OIDC_VIEWER_GROUPS)
    problems.push(
      "SLS_OIDC_ADMIN_GROUPS / SLS_OIDC_VIEWER_GROUPS: at least one is required with SLS_OIDC_ISSUER, or no one could sign in through it",
    );
  return problems;
}

/** Whether `url` names this machine: the only issuer allowed over plain http. */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
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
