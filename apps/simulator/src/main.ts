// The fleet simulator's command line: `pnpm --filter @sls/simulator start -- --secret … -n 40`.
import { parseSimulatorArgs, USAGE, UsageError, type SimulatorConfig } from "./args.ts";
import { statusLine, summary } from "./report.ts";
import { FleetSimulator } from "./simulator.ts";

const STATUS_EVERY_MS = 1_000;
/** Without a terminal (a log file, CI) the status goes out as a line this often instead. */
const STATUS_LOG_EVERY_MS = 10_000;

function readConfig(): SimulatorConfig {
  try {
    const config = parseSimulatorArgs(process.argv.slice(2), process.env);
    if (config) return config;
    console.log(USAGE);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const problems = error.message.split("\n").map((line) => `  ${line}`);
    console.error(`sls-simulator: bad arguments\n${problems.join("\n")}\n\n${USAGE}`);
    process.exit(2);
  }
}

const config = readConfig();
const simulator = new FleetSimulator(config);
const live = process.stdout.isTTY === true;

const showStatus = () => {
  const line = statusLine(simulator.snapshot());
  if (live) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
};
const statusTimer = config.quiet ? null : setInterval(showStatus, live ? STATUS_EVERY_MS : STATUS_LOG_EVERY_MS);

let stopping = false;
async function finish(signal?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (statusTimer) clearInterval(statusTimer);
  if (live && !config.quiet) process.stdout.write("\n");
  if (signal) console.log(`${signal}: stopping the fleet (appliances give their sessions back)`);
  await simulator.stop({ release: true });
  console.log(summary(config, simulator));
  process.exit(0);
}

process.on("SIGINT", () => void finish("SIGINT"));
process.on("SIGTERM", () => void finish("SIGTERM"));
if (config.durationSec !== null) setTimeout(() => void finish(), config.durationSec * 1000);

console.log(
  `sls-simulator: ${config.appliances} appliances, ${config.curve} curve, against ${config.url}; Ctrl-C stops`,
);
await simulator.start();
