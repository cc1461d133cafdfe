// npm run bench: see the README's "Benchmark" section. Durations come from BENCH_* variables (config.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "./config.ts";
import { runMixPart, type MixRow } from "./parts/mix.ts";
import { runScalePart, type ScaleRow } from "./parts/scale.ts";
import { machine } from "./proc.ts";
import { mixTable, scaleTable, targetLines, TARGETS } from "./report.ts";

const RESULTS_DIR = path.resolve(import.meta.dirname, "../results");

const startedAt = new Date();
const host = machine();
console.log(`[bench] ${host.cpus} cores, ${host.model}, Node ${host.node}, load average ${host.loadAverage1m} at start; parts: ${config.parts.join(", ")}`);

const mix: MixRow[] = config.parts.includes("mix") ? await runMixPart() : [];
const scale: ScaleRow[] = config.parts.includes("scale") ? await runScalePart() : [];

const text = [
  "",
  `Appliance mix (request / refresh / release), ${config.connections} connections, ${config.seconds} s each, autocannon on the same ${host.cpus} cores:`,
  "",
  mix.length ? mixTable(mix) : "(not run)",
  "",
  `Scale: participants refreshing every ${config.refreshIntervalSec} s (SQLite, one server process), ${config.scaleSeconds} s each:`,
  "",
  scale.length ? scaleTable(scale) : "(not run)",
  "",
  ...scale.flatMap((row) => ("unavailable" in row.participantsPage ? [`participants page at ${row.participants}: not measured (${row.participantsPage.unavailable})`, ""] : [])),
  "Against the targets:",
  ...targetLines(mix, scale).map((line) => `- ${line}`),
].join("\n");
console.log(text);

mkdirSync(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify({ startedAt, machine: host, config, targets: TARGETS, mix, scale }, null, 2)}\n`);
console.log(`\n[bench] results written to ${path.relative(process.cwd(), file)}`);
// Prisma's and autocannon's handles would otherwise keep the process alive for a while.
process.exit(0);
