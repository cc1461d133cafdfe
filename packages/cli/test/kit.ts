import { spawn } from "node:child_process";
import path from "node:path";

const BIN = path.resolve(import.meta.dirname, "../bin/sls.mjs");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `sls` binary as a separate process, with `env` added and `stdin` piped to it. */
export function sls(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const environment: Record<string, string | undefined> = {
      ...process.env,
      SLS_URL: undefined,
      SLS_TOKEN: undefined,
    };
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...environment, ...options.env } as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
