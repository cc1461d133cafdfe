import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, providers, SECRET, type FreshDatabase, settle } from "./kit/test-server.ts";
import { FailureLimiter } from "../src/auth/rate-limit.ts";
import { startServices, type Running } from "../src/boot.ts";
import { loadEnv } from "../src/env.ts";
import { createAppServer } from "../src/http/app-server.ts";
import { createLogger } from "../src/logger.ts";
import { ConsoleClient } from "./kit/console-client.ts";
import { temporaryFolder } from "./kit/temporary-folders.ts";

/** One server process's worth (services and web port) with its log lines kept, as an operator reads them. */
interface LoggedServer {
  baseUrl: string;
  running: Running;
  log: string[];
  close(): Promise<void>;
}

async function startLogged(databaseUrl: string, dataDir: string): Promise<LoggedServer> {
  const env = loadEnv({
    DATABASE_URL: databaseUrl,
    SLS_POOL_SIZE: "100",
    SLS_SHARED_SECRET: SECRET,
    SLS_SWEEP_INTERVAL_MS: "3600000",
    SLS_DATA_DIR: dataDir,
  });
  const log: string[] = [];
  const running = await startServices(
    env,
    createLogger("warn", (line) => log.push(line)),
  );
  const server = createAppServer(running.services);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    running,
    log,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await running.stop();
    },
  };
}

/** The setup code the way a person finds it: the log line that says to open /setup. */
function codeFromLog(log: string[]): string {
  const line = log
    .map((l) => JSON.parse(l) as { level: string; message: string })
    .find((l) => l.message.includes("/setup"));
  const code = line && /setup code ([A-Z0-9-]+)/.exec(line.message)?.[1];
  if (!line || !code) throw new Error(`no setup code line in the log:\n${log.join("\n")}`);
  expect(line.level).toBe("warn");
  return code;
}

const ACCOUNT = { name: "operator", password: "operator password 1" };

describe.each(providers())("console setup needs the operator's setup code, on %s", (provider) => {
  let db: FreshDatabase;
  let dataDir: string;
  let first: LoggedServer;
  let second: LoggedServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "setup_code");
    dataDir = temporaryFolder("setup-a");
    first = await startLogged(db.url, dataDir);
    // A second process on the same database, with a data folder of its own (another machine).
    second = await startLogged(db.url, temporaryFolder("setup-b"));
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await db?.drop();
  });

  it("prints the code in the log and writes it to an owner-only file beside the database or in the data folder", () => {
    const code = codeFromLog(first.log);
    expect(code).toMatch(/^([A-Z2-9]{4}-){5}[A-Z2-9]{4}$/);
    const file = first.running.services.setupCodes.file;
    expect(first.log.join("\n")).toContain(file);
    expect(file).toBe(
      provider === "sqlite"
        ? `${db.url.slice("file:".length)}.setup-code`
        : path.join(dataDir, `${new URL(db.url).pathname.slice(1)}.setup-code`),
    );
    expect(readFileSync(file, "utf8").trim()).toBe(code);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Processes that share a data folder (or a SQLite file) share the file and its code.
    if (provider === "sqlite") expect(codeFromLog(second.log)).toBe(code);
    else expect(codeFromLog(second.log)).not.toBe(code);
  });

  it("refuses setup without the code or with a wrong one, creating nothing", async () => {
    const client = ConsoleClient.for(first);
    const missing = await settle(client.trpc.auth.setup.mutate(ACCOUNT as never));
    expect(missing).toMatchObject({ ok: false, status: 400, error: { data: { reason: "INVALID_INPUT" } } });
    const wrong = await settle(
      client.trpc.auth.setup.mutate({ ...ACCOUNT, setupCode: "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF" }),
    );
    expect(wrong).toMatchObject({ ok: false, status: 401, error: { data: { reason: "BAD_SETUP_CODE" } } });
    expect(wrong.ok ? "" : wrong.error.message).toMatch(/Wrong setup code/);
    expect(client.cookie).toBeNull();
    expect(await first.running.services.store.accounts.count()).toBe(0);
  });

  it("counts wrong codes against the address like failed sign-ins, and then refuses even the right one", async () => {
    const services = first.running.services;
    const original = services.loginFailures;
    services.loginFailures = new FailureLimiter(
      { slowAfter: 10, refuseAfter: 3, windowMs: 60_000, delayStepMs: 0 },
      services.now,
    );
    try {
      const client = ConsoleClient.for(first);
      for (let i = 0; i < 3; i++) {
        const wrong = await settle(client.trpc.auth.setup.mutate({ ...ACCOUNT, setupCode: `WRONG-CODE-${i}` }));
        expect(wrong).toMatchObject({ ok: false, error: { data: { reason: "BAD_SETUP_CODE" } } });
      }
      const limited = await settle(client.trpc.auth.setup.mutate({ ...ACCOUNT, setupCode: codeFromLog(first.log) }));
      expect(limited).toMatchObject({ ok: false, status: 429, error: { data: { reason: "LOGIN_RATE_LIMITED" } } });
      expect(await services.store.accounts.count()).toBe(0);
    } finally {
      services.loginFailures = original;
    }
  });

  it("accepts a code issued by another process on the same database, typed in lower case without dashes; then it is spent", async () => {
    const code = codeFromLog(first.log);
    const typed = code.toLowerCase().replaceAll("-", " ");
    const client = ConsoleClient.for(second);
    const account = await client.trpc.auth.setup.mutate({
      ...ACCOUNT,
      setupCode: typed,
    });
    expect(account).toMatchObject({ name: "operator", role: "admin" });
    expect(client.cookie).not.toBeNull();
    // The process that created the account removes its own file; the other one does at its next start.
    expect(existsSync(second.running.services.setupCodes.file)).toBe(false);
    const again = await settle(
      ConsoleClient.for(first).trpc.auth.setup.mutate({
        name: "mallory",
        password: "mallory password 1",
        setupCode: code,
      }),
    );
    expect(again).toMatchObject({ ok: false, status: 403, error: { data: { reason: "SETUP_DONE" } } });
  });

  it("issues no code once an account exists, and removes a leftover file at start", async () => {
    const leftover = first.running.services.setupCodes.file;
    if (!existsSync(leftover)) writeFileSync(leftover, "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ\n", { mode: 0o600 });
    const restarted = await startLogged(db.url, dataDir);
    try {
      expect(restarted.log.join("\n")).not.toContain("/setup");
      expect(existsSync(leftover)).toBe(false);
    } finally {
      await restarted.close();
    }
  });
});

describe("a restart before setup", () => {
  it("prints the same code again while no account exists", async () => {
    const db = await freshDatabase("sqlite", "setup_restart");
    const dataDir = temporaryFolder("setup-r");
    const before = await startLogged(db.url, dataDir);
    const code = codeFromLog(before.log);
    await before.close();
    const after = await startLogged(db.url, dataDir);
    try {
      expect(codeFromLog(after.log)).toBe(code);
    } finally {
      await after.close();
    }
  });
});
