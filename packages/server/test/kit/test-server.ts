import type { AddressInfo } from "node:net";
import { startServices, type Running } from "../../src/boot.ts";
import { loadEnv } from "../../src/env.ts";
import { createAppServer } from "../../src/http/app-server.ts";
import { createLogger } from "../../src/logger.ts";
import { type ApiClient, type ApplianceClientOptions, applianceClient } from "./clients.ts";
import { type InProcessCaller, inProcessCaller } from "./in-process.ts";
import { removeTemporaryFolder, temporaryFolder } from "./temporary-folders.ts";

export { freshDatabase, providers, type FreshDatabase, type ProviderName } from "./databases.ts";
export { reasonOf, settle, type Settled } from "./clients.ts";
export { waitFor } from "./wait-for.ts";

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
  /** The API over HTTP as an appliance with `token` calls it (OVERLOADED answers are retried). */
  api(token?: string, options?: Omit<ApplianceClientOptions, "token">): ApiClient;
  /** The router called in this process, without HTTP, as an appliance with `token`. */
  caller(token?: string): InProcessCaller;
  close(): Promise<void>;
}

export const SECRET = "integration-secret-1";

/** The real server stack (migrations, services, HTTP) in this process, on a random port. */
export async function startTestServer(
  databaseUrl: string,
  overrides: Record<string, string> = {},
  clock = new TestClock(),
): Promise<TestServer> {
  const dataDir = temporaryFolder("data");
  const env = loadEnv({
    DATABASE_URL: databaseUrl,
    SLS_POOL_SIZE: "500",
    SLS_SHARED_SECRET: SECRET,
    SLS_REFRESH_INTERVAL_SEC: "30",
    SLS_SWEEP_INTERVAL_MS: "3600000",
    SLS_LOG_LEVEL: "error",
    // The setup code's file of a PostgreSQL database goes here, not into the repository's data/.
    SLS_DATA_DIR: dataDir,
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
    api: (token, options) => applianceClient(baseUrl, { ...options, token }),
    caller: (token) => inProcessCaller(running.services, token ? { token } : {}),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await running.stop();
      removeTemporaryFolder(dataDir);
    },
  };
}

export function registration(serial: string, extra: Partial<Omit<TRegistration, "serial">> = {}): TRegistration {
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

type TRegistration = Parameters<ApiClient["appliance"]["register"]["mutate"]>[0];

/** Registers `serial` over HTTP and returns its token. */
export async function registerOk(
  server: TestServer,
  serial: string,
  extra: Partial<Omit<TRegistration, "serial">> = {},
): Promise<string> {
  return (await server.api().appliance.register.mutate(registration(serial, extra))).token;
}
