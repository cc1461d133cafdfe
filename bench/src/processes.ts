import { spawn } from "node:child_process";
import { applyMigrations } from "@sls/db";
import { freePort, startServerProcess, type ServerProcess } from "@sls/server/testing";

export type { ServerProcess };

export const BENCH_SECRET = "bench-shared-secret-1";

/** One licensing server process (packages/server/src/main.ts, the API without the UI). */
export function startLicenseServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({
    DATABASE_URL: databaseUrl,
    SLS_POOL_SIZE: "1000000",
    SLS_SHARED_SECRET: BENCH_SECRET,
    SLS_REFRESH_INTERVAL_SEC: "30",
    SLS_LOG_LEVEL: "warn",
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the servers and nothing else.
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
    ...env,
  });
}

/** Creates the tables (the migrations a server would apply at start), so rows can be seeded before it starts. */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  await applyMigrations(databaseUrl, () => {});
}

/** The bare node:http yardstick, as its own process. */
export async function startBareServer(): Promise<{ baseUrl: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [new URL("./bare-server.mjs", import.meta.url).pathname, String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bare server exited with ${code}`)));
    child.stdout!.once("data", () => resolve());
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
