// npm run bench: see docs/performance.md, "npm run bench". Durations come from BENCH_* variables (config.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "./config.ts";
import { type LightRow, runLightPart } from "./parts/light.ts";
import { runMixPart, type MixRow } from "./parts/mix.ts";
import { type PolicyPart, runPolicyPart } from "./parts/policy.ts";
import { type FloodRow, runFloodPart } from "./parts/flood.ts";
import { runMillionPart, type MillionRow } from "./parts/million.ts";
import { runScalePart, type ScaleRow } from "./parts/scale.ts";
import { runStartupPart, type StartupRow } from "./parts/startup.ts";
import { runStormPart, type StormRow } from "./parts/storm.ts";
import { runWavePart, type WaveRow } from "./parts/wave.ts";
import { machine } from "./proc.ts";
import { lightTable, lightTargetLines, mixTable, scaleTable, targetLines, TARGETS } from "./report.ts";
import {
  FLEET_TARGETS,
  fleetTargetLines,
  floodTable,
  floodTargetLines,
  millionTable,
  stormTable,
} from "./report-fleet.ts";
import { STARTUP_TARGETS, startupTable, startupTargetLines } from "./report-startup.ts";
import { policyTable, policyTargetLines, POLICY_TARGET } from "./report-policy.ts";
import { waveTable, waveTargetLines } from "./report-wave.ts";

const RESULTS_DIR = path.resolve(import.meta.dirname, "../results");

const startedAt = new Date();
const host = machine();
console.log(
  `[bench] ${host.cpus} cores, ${host.model}, Node ${host.node}, load average ${host.loadAverage1m} at start; parts: ${config.parts.join(", ")}`,
);

const mix: MixRow[] = config.parts.includes("mix") ? await runMixPart() : [];
const light: LightRow | null = config.parts.includes("light") ? await runLightPart() : null;
const scale: ScaleRow[] = config.parts.includes("scale") ? await runScalePart() : [];
const storm: StormRow | null = config.parts.includes("storm") ? await runStormPart() : null;
const million: MillionRow | null = config.parts.includes("million") ? await runMillionPart() : null;
const flood: FloodRow[] = config.parts.includes("flood") ? await runFloodPart() : [];
const wave: WaveRow[] = config.parts.includes("wave") ? await runWavePart() : [];
const startup: StartupRow[] = config.parts.includes("startup") ? await runStartupPart() : [];
const policy: PolicyPart | null = config.parts.includes("policy") ? await runPolicyPart() : null;

const text = [
  "",
  `Appliance mix (request / refresh / release), ${config.connections} connections, ${config.seconds} s each, autocannon on the same ${host.cpus} cores:`,
  "",
  mix.length ? mixTable(mix) : "(not run)",
  "",
  `Light load: the demo's fleet of 40 simulated appliances for ${config.lightSeconds} s (SQLite, one server process), latency at the appliance:`,
  "",
  light ? lightTable(light) : "(not run)",
  "",
  `Scale: participants refreshing every ${config.refreshIntervalSec} s (SQLite, one server process), ${config.scaleSeconds} s each:`,
  "",
  scale.length ? scaleTable(scale) : "(not run)",
  "",
  ...scale.flatMap((row) =>
    "unavailable" in row.participantsPage
      ? [`participants page at ${row.participants}: not measured (${row.participantsPage.unavailable})`, ""]
      : [],
  ),
  `Registration storm: ${config.stormSize.toLocaleString("en-US")} appliances registering at once (SQLite, one server process):`,
  "",
  storm ? stormTable(storm) : "(not run)",
  "",
  `${config.millionSize.toLocaleString("en-US")} registered participants (rows written before the server starts), 1 % refreshing every ${config.refreshIntervalSec} s for ${config.scaleSeconds} s:`,
  "",
  million ? millionTable(million) : "(not run)",
  "",
  `A participant on 127.0.0.3 requesting and releasing 50 sessions in a loop while 127.0.0.2 sends random-token refreshes for ${config.floodSeconds} s, at all one client can send:`,
  "",
  flood.length ? floodTable(flood) : "(not run)",
  "",
  "Waves of `appliance.request`: 1,000 at once on kept-alive connections; 4,000 at once over new connections from a client that gives up after 10 s:",
  "",
  wave.length ? waveTable(wave) : "(not run)",
  "",
  "Start-up of the built server (apps/web/dist/server.js: console and API, SQLite), spawn to /api/ready answering 200; VmRSS of the server process itself:",
  "",
  startup.length ? startupTable(startup) : "(not run)",
  "",
  "Pool policy: 20 groups, 200 patterns over 100,000 registered participants; the same workloads without and with it (same server, same run):",
  "",
  policy ? policyTable(policy) : "(not run)",
  "",
  "Against the targets:",
  ...[
    ...targetLines(mix, scale),
    ...lightTargetLines(light),
    ...fleetTargetLines(storm, million),
    ...floodTargetLines(flood),
    ...waveTargetLines(wave),
    ...startupTargetLines(startup),
    ...policyTargetLines(policy),
  ].map((line) => `- ${line}`),
].join("\n");
console.log(text);

mkdirSync(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ startedAt, machine: host, config, targets: { ...TARGETS, ...FLEET_TARGETS, ...STARTUP_TARGETS, policy: POLICY_TARGET }, mix, light, scale, storm, million, flood, wave, startup, policy }, null, 2)}\n`,
);
console.log(`\n[bench] results written to ${path.relative(process.cwd(), file)}`);
// Prisma's and autocannon's handles would otherwise keep the process alive for a while.
process.exit(0);
