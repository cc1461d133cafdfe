import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test as base } from "@playwright/test";
import { freePort, freshSqlite, waitForHealth } from "@sls/server/testing";
import { POOL_SIZE, REFRESH_INTERVAL_SEC, SHARED_SECRET } from "./fixtures.ts";

const WEB_DIR = path.resolve(import.meta.dirname, "..", "apps", "web");
/** The built server (server.ts bundled by apps/web's build), as `npm start` and the archive run it. */
const SERVER = path.join(WEB_DIR, "dist", "server.js");
const START_TIMEOUT_MS = 90_000;

export interface App {
  url: string;
  /** The server's stderr so far (JSON log lines), for failure messages. */
  log(): string;
  /** The one-time setup code, read as an operator would: from the file the server's log names. */
  setupCode(): string;
  /** The app's process id (a spec may pause it, as a main server that stops answering). */
  pid: number;
}

/** The file named in the log line that tells the operator to open /setup. */
function setupCodeOf(log: string): string {
  for (const line of log.split("\n")) {
    if (!line.includes("/setup") || !line.startsWith("{")) continue;
    const { setupCodeFile } = JSON.parse(line) as { setupCodeFile?: string };
    if (setupCodeFile) return readFileSync(setupCodeFile, "utf8").trim();
  }
  throw new Error(`the app's log names no setup code file:\n${log}`);
}

/**
 * The built app (`apps/web/dist/server.js`, as `npm start` runs it) on a free port with a database of
 * its own, so that every spec file starts from a fresh database: no account, the pool of
 * fixtures.ts, no participant.
 */
/** `env` adds to or replaces the environment below (a spec may bring its own seeded DATABASE_URL). */
async function startApp(env: Record<string, string> = {}): Promise<App & { stop(): Promise<void> }> {
  const database = freshSqlite("e2e");
  const port = await freePort();
  let log = "";
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DATABASE_URL: database.url,
      SLS_POOL_SIZE: String(POOL_SIZE),
      SLS_SHARED_SECRET: SHARED_SECRET,
      SLS_REFRESH_INTERVAL_SEC: String(REFRESH_INTERVAL_SEC),
      SLS_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await database.drop();
  };
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitForHealth(url, { timeoutMs: START_TIMEOUT_MS, process: { exited, output: () => log } });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, log: () => log, setupCode: () => setupCodeOf(log), pid: child.pid!, stop };
}

/** One app per spec file: started for the file's first test, stopped when the next file begins. */
class AppPerFile {
  private current: { file: string; app: Awaited<ReturnType<typeof startApp>> } | null = null;

  async for(file: string, env: Record<string, string> = {}): Promise<App> {
    if (this.current?.file === file) return this.current.app;
    await this.stop();
    this.current = { file, app: await startApp(env) };
    return this.current.app;
  }

  async stop(): Promise<void> {
    await this.current?.app.stop();
    this.current = null;
  }
}

export const test = base.extend<{ app: App; appEnv: Record<string, string> }, { appPerFile: AppPerFile }>({
  appPerFile: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring
    async ({}, use) => {
      const apps = new AppPerFile();
      await use(apps);
      await apps.stop();
    },
    { scope: "worker", timeout: START_TIMEOUT_MS + 30_000 },
  ],
  /** Extra environment for the spec file's app (`test.use({ appEnv: { … } })`). */
  appEnv: [{}, { option: true }],
  app: [
    async ({ appPerFile, appEnv }, use, testInfo) => use(await appPerFile.for(testInfo.file, appEnv)),
    { timeout: START_TIMEOUT_MS + 30_000 },
  ],
  baseURL: async ({ app }, use) => use(app.url),
});

export { expect } from "@playwright/test";
