import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applianceClient } from "./kit/clients.ts";
import { expectLedgerBalanced, readLedger } from "./kit/ledger.ts";
import { freePort, type ServerProcess, startServerProcess } from "./kit/processes.ts";
import { type FreshDatabase, freshDatabase, registration, SECRET } from "./kit/test-server.ts";
import { waitFor } from "./kit/wait-for.ts";

/**
 * The Python agent of examples/python-agent (standard library only, written against the protocol
 * and the OpenAPI document) against a real server process on SQLite. Where python3 is missing
 * the file is skipped with a warning, except under CI=1, where that is a failure: the CI machines
 * have Python 3, so a missing one is a broken machine, not a reason to skip.
 */
const AGENT_DIR = path.resolve(import.meta.dirname, "../../../examples/python-agent");
const PYTHON = spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout?.trim() || null;
const MISSING = "python3 is not on the PATH: the Python agent's tests cannot run";
if (!PYTHON && !process.env.CI) console.warn(`\n*** SKIPPED: ${MISSING} (install Python 3 to run them) ***\n`);

type AgentEvent = { event: string } & Record<string, unknown>;

class AgentProcess {
  readonly events: AgentEvent[] = [];
  private readonly child: ChildProcess;
  private stderr = "";
  readonly exited: Promise<number | null>;

  constructor(url: string, serial: string, options: Record<string, string | number>) {
    const flags = Object.entries({
      url,
      serial,
      hostname: `${serial.toLowerCase()}.example.net`,
      model: "ASA5555-X",
      "platform-limit": 1000,
      "local-limit": 100,
      "retry-base-ms": 100,
      "retry-cap-ms": 400,
      "max-refresh-interval-ms": 300,
      seed: 7,
      ...options,
    }).flatMap(([name, value]) => [`--${name}`, String(value)]);
    this.child = spawn("python3", ["sls_agent.py", ...flags], {
      cwd: AGENT_DIR,
      env: { ...process.env, SLS_SHARED_SECRET: SECRET, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let partial = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as AgentEvent);
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The first event after the `after`-th that matches, once the agent has printed it. */
  next(match: (e: AgentEvent) => boolean, what: string, after = 0): Promise<AgentEvent> {
    return waitFor(() => this.events.slice(after).find(match), {
      what: `the agent to report ${what} (events so far: ${JSON.stringify(this.events)}; stderr: ${this.stderr})`,
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

describe.runIf(PYTHON || process.env.CI)(
  `the Python agent (${PYTHON ?? "python3 missing"}) against a real server`,
  () => {
    let db: FreshDatabase;
    let server: ServerProcess | null = null;
    const agents: AgentProcess[] = [];
    const agent = (url: string, serial: string, options: Record<string, string | number>) => {
      const started = new AgentProcess(url, serial, options);
      agents.push(started);
      return started;
    };

    beforeAll(async () => {
      if (!PYTHON) throw new Error(`${MISSING}, and CI=1 makes that a failure`);
      db = await freshDatabase("sqlite", "python_agent");
    });
    afterAll(async () => {
      for (const started of agents) started.kill();
      await server?.stop();
      await db?.drop();
    });

    it("passes its own unit tests (back-off, retryAfterMs, the same requestId on a retry, jitter, the 24 h grace rule)", () => {
      const run = spawnSync("python3", ["-m", "unittest", "-v"], {
        cwd: AGENT_DIR,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/Ran \d+ tests[\s\S]*OK/);
    });

    it("registers through a server still starting, asks, gives back, registers again when superseded, and gives all back on quit", async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const python = agent(url, "PYAGENT-1", { load: 300 });
      // Nothing listens yet: the registration is retried after growing, jittered delays.
      await python.next((e) => e.event === "retrying" && e.verb === "register" && e.attempt === 2, "a second retry");
      server = await startServerProcess({
        DATABASE_URL: db.url,
        SLS_POOL_SIZE: "500",
        SLS_SHARED_SECRET: SECRET,
        PORT: String(port),
      });
      await python.next((e) => e.event === "registered", "its registration");
      // Refused while the server loaded its leases (STARTING), if it caught that moment: never sooner than asked.
      for (const retry of python.events.filter((e) => e.event === "retrying" && typeof e.retryAfterMs === "number"))
        expect(retry.delayMs as number).toBeGreaterThanOrEqual(retry.retryAfterMs as number);
      expect(await python.next((e) => e.event === "granted", "its first grant")).toMatchObject({
        asked: 200,
        added: 200,
        granted: 200,
        pending: 0,
      });
      expect((await readLedger(db.url)).grantedBySerial.get("PYAGENT-1")).toBe(200);

      let seen = python.events.length;
      python.send("load 150");
      expect(await python.next((e) => e.event === "released", "a release", seen)).toMatchObject({
        sessions: 150,
        granted: 50,
      });

      // Another registration of its serial supersedes its token: the next call is BAD_TOKEN.
      seen = python.events.length;
      await applianceClient(server.baseUrl).appliance.register.mutate(registration("PYAGENT-1", { localLimit: 100 }));
      await python.next((e) => e.event === "token-superseded", "its token superseded", seen);
      expect(await python.next((e) => e.event === "registered", "its second registration", seen)).toMatchObject({
        granted: 50,
      });

      seen = python.events.length;
      python.send("load 700");
      expect(await python.next((e) => e.event === "granted", "a grant beyond the pool", seen)).toMatchObject({
        asked: 550,
        added: 450,
        granted: 500,
        pending: 100,
      });
      const during = await readLedger(db.url);
      expect(during.violations).toEqual([]);
      expect(during).toMatchObject({ grantedSum: 500, pendingSum: 100 });

      python.send("quit");
      await python.next((e) => e.event === "stopped", "its stop");
      expect(await python.exited).toBe(0);
      expect(await expectLedgerBalanced(db.url)).toEqual({ grantedSum: 0, pendingSum: 0 });
    });

    it("keeps its grant through the grace period while the server is silent, then drops to its local limit", async () => {
      if (!server) throw new Error("the previous test starts the server");
      const python = agent(server.baseUrl, "PYAGENT-2", { load: 200, "grace-ms": 1500 });
      expect(await python.next((e) => e.event === "granted", "its grant")).toMatchObject({ granted: 100 });
      await python.next((e) => e.event === "refreshed", "a refresh");
      await server.stop();
      const started = await python.next((e) => e.event === "grace-started", "the grace period");
      expect(started.reason).toBe("unreachable");
      expect(await python.next((e) => e.event === "grace-ended", "the end of the grace period")).toMatchObject({
        capacity: 100,
      });
      const ended = python.events.find((e) => e.event === "grace-ended")!;
      expect(ended.silentMs as number).toBeGreaterThanOrEqual(1500);
      python.send("quit");
      expect(await python.exited).toBe(0);
      // The server never heard: its ledger still holds the grant, balanced, until it reclaims it.
      await expectLedgerBalanced(db.url);
      expect((await readLedger(db.url)).grantedBySerial.get("PYAGENT-2")).toBe(100);
    });
  },
);
