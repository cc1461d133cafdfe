import { DAY_MS, MAX_PLATFORM_LIMIT, MINUTE_MS } from "@sls/allocator";
import type { RULES } from "@sls/server/contracts";
import type { Random } from "./random.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { RegisterInput } from "./protocol.ts";
import { createFetchTransport, fetchTransport, type Transport } from "./transport.ts";
import { trustingFetch } from "./trusting-fetch.ts";

/** What the appliance registers with (`RegisterInput`), where, and how the client behaves. */
export interface ParticipantOptions extends RegisterInput {
  /** The main server's base URL, e.g. `http://licensing.example.net:3000`. */
  serverUrl: string;
  /** How long the grant is kept when no server can be reached (spec: 24 h). */
  graceMs?: number;
  /** A call with no answer after this long counts as unreachable (and a `request` is retried with its requestId). */
  callTimeoutMs?: number;
  /**
   * The first back-off window: a call that failed or was refused for load is retried after a
   * delay drawn from [0, retryDelayMs), the next failure in a row from [0, 2 × retryDelayMs), and
   * so on up to `maxRetryDelayMs`, always after the server's `retryAfterMs` when it gave one.
   * A `request` is retried with the same requestId.
   */
  retryDelayMs?: number;
  /** The widest back-off window (the cap of the exponential growth). */
  maxRetryDelayMs?: number;
  /**
   * `start()` first waits a random delay in [0, startSpreadMs) so that a fleet powered up together
   * does not register together. 0 (the default) registers at once.
   */
  startSpreadMs?: number;
  /** Sessions of grant kept beyond the load before any is released (hysteresis). */
  releaseMargin?: number;
  /** The load must stay low this long before sessions are released (hysteresis). */
  releaseDelayMs?: number;
  /**
   * Refresh at least this often, even when the server's interval is longer (it never refreshes
   * less often than the server asks). Shortens failover and hand-back in tests and demos.
   */
  maxRefreshIntervalMs?: number;
  clock?: Clock;
  transport?: Transport;
  /**
   * A CA certificate (PEM) to trust besides the public ones, for an `https://` server whose
   * certificate is self-signed or from a private CA. Ignored when `transport` is given.
   */
  ca?: string | Buffer | undefined;
  /** Uniform random numbers in [0, 1) for the jitter (default `Math.random`; tests pass a seeded one). */
  random?: Random;
}

export type ResolvedOptions = Required<Omit<ParticipantOptions, "haPeerSerial" | "ca">> & {
  haPeerSerial: string | undefined;
};

/** The longest refresh interval a server may set; the type holds it to the server's rule. */
const MAX_REFRESH_INTERVAL_SEC: (typeof RULES)["refreshIntervalSec"]["max"] = 300;

export const DEFAULTS = {
  graceMs: DAY_MS,
  callTimeoutMs: 10_000,
  retryDelayMs: 5_000,
  maxRetryDelayMs: MINUTE_MS,
  startSpreadMs: 0,
  releaseMargin: 50,
  releaseDelayMs: MINUTE_MS,
  /** The server's interval applies. */
  maxRefreshIntervalMs: MAX_REFRESH_INTERVAL_SEC * 1000,
} as const;

export class ParticipantOptionsError extends Error {
  override readonly name = "ParticipantOptionsError";
}

const SERIAL = /^[A-Za-z0-9._-]{1,64}$/;

/** Fills in defaults and checks every option, listing each problem with the value given. */
export function resolveOptions(options: ParticipantOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULTS,
    clock: systemClock,
    transport: options.ca === undefined ? fetchTransport : createFetchTransport(trustingFetch(options.ca)),
    random: Math.random,
    ...(withoutUndefined(options) as ParticipantOptions),
    haPeerSerial: options.haPeerSerial,
  };
  const problems: string[] = [];
  const check = (ok: boolean, name: string, rule: string) => {
    if (!ok)
      problems.push(`${name} ${rule}; got ${JSON.stringify((resolved as unknown as Record<string, unknown>)[name])}`);
  };
  check(/^https?:\/\/[^/]/i.test(resolved.serverUrl ?? ""), "serverUrl", "must be an http:// or https:// URL");
  check(
    typeof resolved.secret === "string" && resolved.secret.length >= 1 && resolved.secret.length <= 128,
    "secret",
    "must be 1–128 characters",
  );
  check(SERIAL.test(resolved.serial ?? ""), "serial", "must be 1–64 characters of A–Z a–z 0–9 . _ -");
  check(
    typeof resolved.hostname === "string" && resolved.hostname.length >= 1 && resolved.hostname.length <= 253,
    "hostname",
    "must be 1–253 characters",
  );
  check(
    typeof resolved.model === "string" && resolved.model.length >= 1 && resolved.model.length <= 64,
    "model",
    "must be 1–64 characters",
  );
  check(
    isInt(resolved.platformLimit, 1, MAX_PLATFORM_LIMIT),
    "platformLimit",
    `must be a whole number from 1 to ${MAX_PLATFORM_LIMIT.toLocaleString("en-US")}`,
  );
  check(
    isInt(resolved.localLimit, 0, resolved.platformLimit),
    "localLimit",
    "must be a whole number from 0 to platformLimit",
  );
  if (resolved.haPeerSerial !== undefined)
    check(
      SERIAL.test(resolved.haPeerSerial),
      "haPeerSerial",
      "must be a serial (1–64 characters of A–Z a–z 0–9 . _ -)",
    );
  check(isInt(resolved.graceMs, 0, Number.MAX_SAFE_INTEGER), "graceMs", "must be a whole number of milliseconds ≥ 0");
  check(
    isInt(resolved.callTimeoutMs, 1, Number.MAX_SAFE_INTEGER),
    "callTimeoutMs",
    "must be a whole number of milliseconds ≥ 1",
  );
  check(
    isInt(resolved.retryDelayMs, 1, Number.MAX_SAFE_INTEGER),
    "retryDelayMs",
    "must be a whole number of milliseconds ≥ 1",
  );
  check(
    isInt(resolved.maxRetryDelayMs, 1, Number.MAX_SAFE_INTEGER),
    "maxRetryDelayMs",
    "must be a whole number of milliseconds ≥ 1",
  );
  if (isInt(resolved.retryDelayMs, 1, Number.MAX_SAFE_INTEGER)) {
    check(
      !isInt(resolved.maxRetryDelayMs, 1, resolved.retryDelayMs - 1),
      "maxRetryDelayMs",
      `must be at least retryDelayMs (${resolved.retryDelayMs})`,
    );
  }
  check(
    isInt(resolved.startSpreadMs, 0, Number.MAX_SAFE_INTEGER),
    "startSpreadMs",
    "must be a whole number of milliseconds ≥ 0",
  );
  check(typeof resolved.random === "function", "random", "must be a function returning numbers in [0, 1)");
  check(isInt(resolved.releaseMargin, 0, 1_000_000), "releaseMargin", "must be a whole number of sessions ≥ 0");
  check(
    isInt(resolved.releaseDelayMs, 0, Number.MAX_SAFE_INTEGER),
    "releaseDelayMs",
    "must be a whole number of milliseconds ≥ 0",
  );
  check(
    isInt(resolved.maxRefreshIntervalMs, 1, Number.MAX_SAFE_INTEGER),
    "maxRefreshIntervalMs",
    "must be a whole number of milliseconds ≥ 1",
  );
  if (problems.length > 0)
    throw new ParticipantOptionsError(`Invalid participant options:\n  - ${problems.join("\n  - ")}`);
  resolved.serverUrl = resolved.serverUrl.replace(/\/+$/, "");
  return resolved;
}

function isInt(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What `appliance.register` sends for these options. */
export function registerInputOf(options: RegisterInput): RegisterInput {
  const { secret, serial, hostname, model, platformLimit, localLimit, haPeerSerial } = options;
  return { secret, serial, hostname, model, platformLimit, localLimit, ...(haPeerSerial ? { haPeerSerial } : {}) };
}
