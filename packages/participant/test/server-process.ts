// A real licensing server (packages/server/src/main.ts) as a separate OS process, the way the
// server's own tests start it (packages/server/test/processes.ts); copied rather than imported so
// that this package does not reach into another package's test files.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

const SERVER_DIR = path.resolve(import.meta.dirname, "../../server");
const MAIN = path.join(SERVER_DIR, "src/main.ts");

export const SECRET = "participant-it-secret";

export interface ServerProcess {
  baseUrl: string;
  port: number;
  pid: number;
  output(): string;
  /** kill -9: no shutdown hook runs. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function freshSqliteUrl(): string {
  return `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "sls-participant-")), "sls.db")}`;
}

export async function startServerProcess(options: { databaseUrl: string; poolSize: number; port?: number; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      SLS_LOG_LEVEL: "warn",
      DATABASE_URL: options.databaseUrl,
      SLS_POOL_SIZE: String(options.poolSize),
      SLS_SHARED_SECRET: SECRET,
      SLS_REFRESH_INTERVAL_SEC: "10",
      ...options.env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => output);
  return {
    baseUrl,
    port,
    pid: child.pid!,
    output: () => output,
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server process exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`server process did not become healthy within 60 s:\n${output()}`);
}
