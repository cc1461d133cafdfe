import { parseArgs } from "node:util";
import { CURVES, type Curve } from "./curves.ts";

export interface SimulatorConfig {
  url: string;
  secret: string;
  appliances: number;
  curve: Curve;
  periodSec: number;
  /** Peak load of each appliance as a share of its platform limit. */
  peak: number;
  durationSec: number | null;
  serialPrefix: string;
  seed: number;
  releaseDelaySec: number;
  tickSec: number;
  /** Each appliance waits a random delay in [0, startSpreadMs) before it registers. */
  startSpreadMs: number;
  quiet: boolean;
}

/**
 * The default start spread grows with the fleet: about 200 registrations a second, whatever its
 * size, instead of the whole fleet in the same instant.
 */
const START_SPREAD_MS_PER_APPLIANCE = 5;

export const USAGE = `usage: sls-simulator --secret <secret> [options]

Runs a fleet of simulated appliances against a licensing server.

  --url <url>              server base URL                         (default http://localhost:3000)
  --secret <secret>        the shared secret                       (default $SLS_SHARED_SECRET)
  -n, --appliances <n>     how many appliances, 1–100000           (default 20)
  --curve <curve>          load curve: steady, daily or spike       (default daily)
  --period <seconds>       length of one cycle; a spike lasts 1/12  (default 86400)
  --peak <share>           peak load as a share of the platform
                           limit, more than 0 and at most 1         (default 0.6)
  --duration <seconds>     stop after this long                     (default: until Ctrl-C)
  --serial-prefix <text>   serials are <prefix>0001, <prefix>0002…  (default SIM)
  --seed <n>               the same seed gives the same fleet       (default 1)
  --release-delay <sec>    load must stay low this long before
                           sessions are given back                  (default 60)
  --tick <seconds>         how often each load changes (the fleet is
                           spread evenly over one tick)             (default 1)
  --start-spread <ms>      each appliance waits a random delay below
                           this before registering, as a fleet powered
                           up together would; 0: all at once
                           (default ${START_SPREAD_MS_PER_APPLIANCE} ms per appliance:
                           20 → 100 ms, 10000 → 50 s)
  --quiet                  no live status line, only the summary
  -h, --help               this text

example: sls-simulator --secret change-me-please -n 40 --curve daily --period 120`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = {
  url: { type: "string" },
  secret: { type: "string" },
  appliances: { type: "string", short: "n" },
  curve: { type: "string" },
  period: { type: "string" },
  peak: { type: "string" },
  duration: { type: "string" },
  "serial-prefix": { type: "string" },
  seed: { type: "string" },
  "release-delay": { type: "string" },
  tick: { type: "string" },
  "start-spread": { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses the command line; `null` means --help was asked. Throws UsageError naming each bad argument. */
export function parseSimulatorArgs(argv: string[], env: NodeJS.ProcessEnv = {}): SimulatorConfig | null {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
  try {
    // `pnpm … start -- --secret x` passes the "--" on.
    const args = argv[0] === "--" ? argv.slice(1) : argv;
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const problems: string[] = [];
  const number = (name: keyof typeof OPTIONS, fallback: number, min: number, max: number, integer = true): number => {
    const raw = values[name] as string | undefined;
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const ok =
      raw.trim() !== "" &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      value >= min &&
      value <= max;
    if (!ok)
      problems.push(`--${name} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}; got "${raw}"`);
    return value;
  };

  const url = values.url ?? "http://localhost:3000";
  if (!/^https?:\/\/[^/]+/.test(url)) problems.push(`--url must be an http:// or https:// URL; got "${url}"`);
  const secret = values.secret ?? env.SLS_SHARED_SECRET ?? "";
  if (secret === "") problems.push("--secret is required (or set SLS_SHARED_SECRET)");
  const curve = values.curve ?? "daily";
  if (!(CURVES as readonly string[]).includes(curve))
    problems.push(`--curve must be one of ${CURVES.join(", ")}; got "${curve}"`);
  const serialPrefix = values["serial-prefix"] ?? "SIM";
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(serialPrefix))
    problems.push(`--serial-prefix must be 1–40 characters of A–Z a–z 0–9 . _ -; got "${serialPrefix}"`);
  const peak = number("peak", 0.6, 0, 1, false);
  if (peak === 0) problems.push(`--peak must be more than 0; got "${values.peak}"`);

  const appliances = number("appliances", 20, 1, 100_000);
  const config: SimulatorConfig = {
    url: url.replace(/\/+$/, ""),
    secret,
    appliances,
    curve: curve as Curve,
    periodSec: number("period", 86_400, 10, 365 * 86_400),
    peak,
    durationSec: values.duration === undefined ? null : number("duration", 0, 1, 365 * 86_400),
    serialPrefix,
    seed: number("seed", 1, 0, 2 ** 32 - 1),
    releaseDelaySec: number("release-delay", 60, 0, 86_400),
    tickSec: number("tick", 1, 0.1, 3600, false),
    startSpreadMs: number("start-spread", appliances * START_SPREAD_MS_PER_APPLIANCE, 0, 3_600_000),
    quiet: values.quiet ?? false,
  };
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return config;
}
