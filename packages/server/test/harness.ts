import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createFreshPostgresDatabase } from "@sls/db";
import { startServices, type Running } from "../src/boot.ts";
import { loadEnv } from "../src/env.ts";
import { createAppServer } from "../src/http/app-server.ts";
import { createLogger } from "../src/logger.ts";

export type ProviderName = "sqlite" | "postgresql";

export const PG_BASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The databases the integration suites run against; PostgreSQL unless the test runner found it unreachable. */
export function providers(): ProviderName[] {
  if (process.env.SLS_SKIP_PG === "1") {
    console.warn("!! SLS_SKIP_PG=1: PostgreSQL integration suites are SKIPPED");
    return ["sqlite"];
  }
  return ["sqlite", "postgresql"];
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(provider: ProviderName, label: string): Promise<FreshDatabase> {
  if (provider === "postgresql") return createFreshPostgresDatabase(PG_BASE_URL, `sls_${label}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), `sls-${label}-`));
  return { url: `file:${path.join(dir, "sls.db")}`, drop: async () => {} };
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 10, 27, 12, 0, 0)) {}
  now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestServer {
  baseUrl: string;
  running: Running;
  clock: TestClock;
  call<T = unknown>(verb: string, input: unknown, token?: string): Promise<CallResult<T>>;
  close(): Promise<void>;
}

export type CallResult<T> =
  | { ok: true; status: number; data: T }
  | {
      ok: false;
      status: number;
      error: { message: string; data: { code: string; reason: string; httpStatus: number } };
    };

export const SECRET = "integration-secret-1";

/** The real server stack (migrations, services, HTTP) in this process, on a random port. */
export async function startTestServer(
  databaseUrl: string,
  overrides: Record<string, string> = {},
  clock = new TestClock(),
): Promise<TestServer> {
  const env = loadEnv({
    DATABASE_URL: databaseUrl,
    SLS_POOL_SIZE: "500",
    SLS_SHARED_SECRET: SECRET,
    SLS_REFRESH_INTERVAL_SEC: "30",
    SLS_SWEEP_INTERVAL_MS: "3600000",
    SLS_LOG_LEVEL: "error",
    // The setup code's file of a PostgreSQL database goes here, not into the repository's data/.
    SLS_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "sls-data-")),
    ...overrides,
  });
  const running = await startServices(env, createLogger(env.SLS_LOG_LEVEL), clock.now);
  const server = createAppServer(running.services);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    running,
    clock,
    call: (verb, input, token) => callAppliance(baseUrl, verb, input, token),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await running.stop();
    },
  };
}

/**
 * One appliance call over HTTP. A call the server sheds as OVERLOADED (nothing done) is sent again
 * after its retryAfterMs, as the contract tells appliances to: bursts in these tests must not fail
 * because a loaded test machine made the server shed load. Tests of shedding itself use
 * `callApplianceOnce`.
 */
export async function callAppliance<T>(
  baseUrl: string,
  verb: string,
  input: unknown,
  token?: string,
): Promise<CallResult<T>> {
  for (;;) {
    const result = await callApplianceOnce<T>(baseUrl, verb, input, token);
    if (result.ok || result.error.data.reason !== "OVERLOADED") return result;
    const wait = Number((result.error.data as { retryAfterMs?: number }).retryAfterMs ?? 1000);
    await new Promise((resolve) => setTimeout(resolve, wait * (1 + Math.random())));
  }
}

export async function callApplianceOnce<T>(
  baseUrl: string,
  verb: string,
  input: unknown,
  token?: string,
): Promise<CallResult<T>> {
  const response = await fetch(`${baseUrl}/api/trpc/${verb.includes(".") ? verb : `appliance.${verb}`}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: never };
  if (body.result) return { ok: true, status: response.status, data: body.result.data };
  return { ok: false, status: response.status, error: body.error as never };
}

export function registration(serial: string, extra: Partial<Record<string, unknown>> = {}) {
  return {
    secret: SECRET,
    serial,
    hostname: `${serial.toLowerCase()}.example.net`,
    model: "ASA5585-X",
    platformLimit: 1000,
    localLimit: 100,
    ...extra,
  };
}

export async function registerOk(
  server: TestServer,
  serial: string,
  extra: Partial<Record<string, unknown>> = {},
): Promise<string> {
  const result = await server.call<{ token: string }>("register", registration(serial, extra));
  if (!result.ok) throw new Error(`register ${serial} failed: ${JSON.stringify(result.error)}`);
  return result.data.token;
}

/** Polls `probe` until it returns something truthy; the deadline is generous on purpose. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
