import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { waitForHealth } from "./health.ts";
import { waitFor } from "./wait-for.ts";

const MAIN = path.resolve(import.meta.dirname, "../../src/main.ts");

export interface ServerProcess {
  baseUrl: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** Waits until its output matches `pattern` (a log line), and returns the match. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
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

/**
 * Starts `packages/server/src/main.ts` (the API without the UI) as a separate OS process and waits
 * until it is healthy. `env` adds to this process's environment (DATABASE_URL, SLS_*; PORT, or a
 * free port).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, SLS_LOG_LEVEL: "warn", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, { process: { exited: hasExited, output: () => output } });
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    baseUrl,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs) =>
      waitFor(() => pattern.exec(output), { what: `the server at ${baseUrl} to print ${pattern}`, timeoutMs }),
    async crash() {
      if (hasExited()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (hasExited()) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
