// The storm test, `npm run pnpm -- --filter @sls/bench storm`. See docs/performance.md, "Fleet storms".
//
// A fleet of simulated appliances (apps/simulator, each a real Participant) against one server
// process on SQLite: a cold start (the whole fleet registering at once), steady refreshing, then
// kill -9 of the server process, a restart on the same database and port after STORM_DOWN_SEC,
// and the time until every appliance is refreshing again. Then the ledger check.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { freePort } from "@sls/server/testing";
import { FleetSimulator, type SimulatorConfig } from "@sls/simulator";
import { freshSqlite } from "./databases.ts";
import { FleetRecorder } from "./fleet-recorder.ts";
import { checkLedger, type LedgerCheck } from "@sls/server/testing";
import { distribution, quantileBound, scrapeMetrics, since, total } from "./metrics-scrape.ts";
import { percentiles } from "./parts/storm.ts";
import { cpuSeconds, machine, memoryMb } from "./proc.ts";
import { BENCH_SECRET, startLicenseServer, type ServerProcess } from "./processes.ts";

function knob(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}; got "${raw}"`);
  return value;
}

const settings = {
  appliances: knob("STORM_APPLIANCES", 10_000, 1),
  /** How long the server stays dead between kill -9 and the restart. */
  downSec: knob("STORM_DOWN_SEC", 20, 0),
  /** The cold start's spread (the simulator's --start-spread); 0: the whole fleet at the same instant. */
  startSpreadMs: knob("STORM_START_SPREAD_MS", 0, 0),
  /** Each phase fails when the fleet is not back within this. */
  phaseLimitSec: knob("STORM_PHASE_LIMIT_SEC", 150, 1),
};
/** Load as a share of each appliance's platform limit: the fleet's demand stays within the 1,000,000-session pool, so nothing is pending. */
const PEAK = 0.15;
const RESULTS_DIR = path.resolve(import.meta.dirname, "../results");

interface PhaseFigures {
  phase: string;
  /** Seconds from the phase's start until every appliance had its call answered, or null. */
  allBackSec: number | null;
  answered: number;
  /** The server's own figures for the phase, from GET /metrics (its counters start with the process). */
  server: {
    calls: number;
    overloaded: number;
    /** Upper bound of the sls_call_duration_seconds bucket holding the p99, all calls it answered, ms. */
    p99BoundMs: number | null;
    batchSizes: Record<string, number>;
    cpuShare: number;
    peakRssMb: number;
  };
  /** As the appliances saw it. */
  fleet: {
    shed: number;
    errors: number;
    errorReasons: Record<string, number>;
    acceptedP50: number;
    acceptedP99: number;
  };
  /** The load generator itself: CPU and event-loop delay (a busy generator inflates the fleet's latencies). */
  generator: { cpuShare: number; loopDelayP99Ms: number };
}

const say = (line: string) => console.log(`[storm] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(done: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Measures from now until every appliance has had a `verb` call answered (or the phase limit).
 * `serverFor` starts what the phase is about and gives the server process; its figures come from
 * its /metrics at the end, so a phase starts with its process (or covers the process's life).
 */
async function measurePhase(
  phase: string,
  verb: "register" | "refresh",
  fleet: FleetSimulator,
  recorder: FleetRecorder,
  serverFor: () => Promise<ServerProcess>,
): Promise<PhaseFigures> {
  const startedAt = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const generatorCpu = process.cpuUsage();
  const before = { shed: fleet.stats.totalShed, errors: fleet.stats.totalErrors, reasons: new Map(fleet.stats.errors) };
  recorder.mark(verb);
  const server = await serverFor();
  const serverCpu = cpuSeconds(server.pid);
  const serverFrom = performance.now();
  // The process's counters so far (a phase on a running server counts from here); a server too
  // busy to answer within 30 s counts from its start.
  const first = await scrapeMetrics(server.baseUrl).catch(() => null);
  const all = await waitUntil(() => recorder.answeredCount === settings.appliances, settings.phaseLimitSec * 1000);
  const scrape = since(await scrapeMetrics(server.baseUrl, 120_000), first);
  const wallSec = (performance.now() - startedAt) / 1000;
  const generatorUsed = process.cpuUsage(generatorCpu);
  loopDelay.disable();
  const accepted = percentiles(recorder.acceptedLatencies);
  const p99 = quantileBound(scrape, "sls_call_duration_seconds", 0.99);
  const figures: PhaseFigures = {
    phase,
    allBackSec: all ? (recorder.lastFirstAnswerAt! - startedAt) / 1000 : null,
    answered: recorder.answeredCount,
    server: {
      calls: total(scrape, "sls_calls_total"),
      overloaded: total(scrape, "sls_calls_total", { outcome: "OVERLOADED" }),
      p99BoundMs: p99 === null ? null : p99 * 1000,
      batchSizes: distribution(scrape, "sls_group_commit_batch_size"),
      cpuShare: (cpuSeconds(server.pid) - serverCpu) / ((performance.now() - serverFrom) / 1000),
      peakRssMb: memoryMb(server.pid).peak,
    },
    fleet: {
      shed: fleet.stats.totalShed - before.shed,
      errors: fleet.stats.totalErrors - before.errors,
      errorReasons: Object.fromEntries(
        [...fleet.stats.errors].flatMap(([reason, n]) =>
          n > (before.reasons.get(reason) ?? 0) ? [[reason, n - (before.reasons.get(reason) ?? 0)]] : [],
        ),
      ),
      acceptedP50: accepted.p50,
      acceptedP99: accepted.p99,
    },
    generator: {
      cpuShare: (generatorUsed.user + generatorUsed.system) / 1e6 / wallSec,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    },
  };
  // Printed at once: a later phase that hangs must not take this one's figures with it.
  for (const line of describe(figures)) say(line);
  return figures;
}

function describe(f: PhaseFigures): string[] {
  const back =
    f.allBackSec === null
      ? `NOT all back within ${settings.phaseLimitSec} s (${f.answered.toLocaleString("en-US")} were)`
      : `all ${settings.appliances.toLocaleString("en-US")} after ${f.allBackSec.toFixed(1)} s`;
  const batches = Object.entries(f.server.batchSizes)
    .map(([bound, n]) => `${bound}: ${n}`)
    .join(", ");
  return [
    `${f.phase}: ${back}`,
    `  server: ${f.server.calls.toLocaleString("en-US")} calls answered, ${f.server.overloaded.toLocaleString("en-US")} refused OVERLOADED, p99 ≤ ${f.server.p99BoundMs ?? "-"} ms (sls_call_duration_seconds bucket), ` +
      `${(f.server.cpuShare * 100).toFixed(0)} % of a core, RSS peak ${Math.round(f.server.peakRssMb)} MB`,
    `  group-commit batch sizes: ${batches || "none"}`,
    `  fleet: ${f.fleet.shed.toLocaleString("en-US")} shed, ${f.fleet.errors.toLocaleString("en-US")} failed ${JSON.stringify(f.fleet.errorReasons)}, answered calls p50 ${f.fleet.acceptedP50.toFixed(1)} / p99 ${f.fleet.acceptedP99.toFixed(1)} ms`,
    `  load generator: ${(f.generator.cpuShare * 100).toFixed(0)} % of a core, event-loop delay p99 ${f.generator.loopDelayP99Ms.toFixed(0)} ms`,
  ];
}

const startedAt = new Date();
const host = machine();
say(
  `${host.cpus} cores, load average ${host.loadAverage1m}; ${settings.appliances.toLocaleString("en-US")} appliances, start spread ${settings.startSpreadMs} ms, down ${settings.downSec} s`,
);
const db = freshSqlite("storm-restart");
const port = await freePort();
const env = { PORT: String(port) };
let server = await startLicenseServer(db.url, env);
const recorder = new FleetRecorder();
const simulatorConfig: SimulatorConfig = {
  url: server.baseUrl,
  secret: BENCH_SECRET,
  appliances: settings.appliances,
  curve: "steady",
  periodSec: 86_400,
  peak: PEAK,
  durationSec: null,
  serialPrefix: "STORM",
  seed: 1,
  releaseDelaySec: 60,
  tickSec: 1,
  startSpreadMs: settings.startSpreadMs,
  quiet: true,
};
const fleet = new FleetSimulator(simulatorConfig, recorder);
const phases: PhaseFigures[] = [];
// Set inside the phase's callback, which TypeScript does not follow: hence the cast.
let restart = null as { killedAt: string; downSec: number; healthyAfterSec: number; failedWhileDown: number } | null;
let ledger: LedgerCheck | null = null;
try {
  say("cold start: the whole fleet registers");
  phases.push(
    await measurePhase("cold start: every appliance registered", "register", fleet, recorder, async () => {
      void fleet.start();
      return server;
    }),
  );
  say("steady: every appliance refreshes once");
  phases.push(
    await measurePhase("steady: every appliance refreshed once", "refresh", fleet, recorder, async () => server),
  );
  const held = fleet.snapshot();

  say(
    `kill -9 of the server process (pid ${server.pid}) with ${held.granted.toLocaleString("en-US")} sessions granted; restart in ${settings.downSec} s`,
  );
  const killedAt = new Date();
  const failedBefore = fleet.stats.totalErrors;
  await server.crash();
  await sleep(settings.downSec * 1000);
  phases.push(
    await measurePhase(
      "kill -9 and restart: every appliance refreshing again",
      "refresh",
      fleet,
      recorder,
      async () => {
        const spawned = performance.now();
        server = await startLicenseServer(db.url, env);
        restart = {
          killedAt: killedAt.toISOString(),
          downSec: settings.downSec,
          healthyAfterSec: (performance.now() - spawned) / 1000,
          failedWhileDown: fleet.stats.totalErrors - failedBefore,
        };
        return server;
      },
    ),
  );
  say("stopping the fleet (no release) and the server, then the ledger check");
  await fleet.stop();
  await server.stop();
  ledger = await checkLedger(db.url, recorder.acknowledged());
} finally {
  await fleet.stop();
  await server.stop();
}

const lines = [
  "",
  `Fleet storms: ${settings.appliances.toLocaleString("en-US")} simulated appliances (apps/simulator, each a Participant) in one process, one server process on SQLite, ${host.cpus} cores, load average ${host.loadAverage1m} at the start`,
  ...phases.flatMap((phase) => describe(phase)),
  restart
    ? `restart: killed at ${restart.killedAt}, restarted ${restart.downSec} s later, healthy ${restart.healthyAfterSec.toFixed(1)} s after the spawn; ${restart.failedWhileDown.toLocaleString("en-US")} calls found no server meanwhile`
    : "restart: not reached",
  ledger
    ? `ledger: Σ granted ${ledger.participantsGranted.toLocaleString("en-US")}, Server.grantedTotal ${ledger.serverGrantedTotal.toLocaleString("en-US")}, Σ audit ${ledger.auditGrantedDelta.toLocaleString("en-US")}: ${ledger.ledgersAgree ? "agree" : "DISAGREE"}; ` +
      `last acknowledged grant = database for ${(ledger.compared - ledger.mismatches).toLocaleString("en-US")} of ${ledger.compared.toLocaleString("en-US")} appliances compared (${ledger.mismatches} mismatches); ` +
      (ledger.violations.length === 0 ? "every invariant holds" : `BROKEN: ${ledger.violations.join("; ")}`)
    : "ledger: not checked",
];
console.log(lines.join("\n"));
mkdirSync(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `storm-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ startedAt, machine: host, settings, peak: PEAK, phases, restart, ledger }, null, 2)}\n`,
);
console.log(`\n[storm] results written to ${path.relative(process.cwd(), file)}`);
await db.drop();
process.exit(ledger?.ledgersAgree && ledger.mismatches === 0 && ledger.violations.length === 0 ? 0 : 1);
