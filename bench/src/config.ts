// Everything the bench reads from the environment, with the defaults of the full run.
const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number; got "${raw}"`);
  return value;
};

const list = (name: string, fallback: string): string[] =>
  (process.env[name] || fallback)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export const PARTS = ["mix", "light", "scale", "storm", "million", "flood", "wave", "startup", "policy"] as const;

export const config = {
  /** Length of each measured appliance-mix run (the issue asks for 20 s). */
  seconds: int("BENCH_SECONDS", 20),
  warmupSeconds: int("BENCH_WARMUP_SECONDS", 5),
  connections: int("BENCH_CONNECTIONS", 64),
  /** Connections of the grant-calls-only rows: in a closed loop one batch commits while the next fills, so batches hold about half this many calls. */
  grantConnections: int("BENCH_GRANT_CONNECTIONS", 20),
  /** How long the demo's fleet of 40 appliances runs in the light-load part (a 90 s "day" each 90 s). */
  lightSeconds: int("BENCH_LIGHT_SECONDS", 90),
  /** Participants the mix cycles through; several per connection so that one's calls never overlap. */
  mixParticipants: int("BENCH_MIX_PARTICIPANTS", 256),
  scaleSizes: list("BENCH_SCALE_SIZES", "1000,10000,100000").map(Number),
  /** How long each scale size is measured; 30 s is one refresh interval, so each participant refreshes once. */
  scaleSeconds: int("BENCH_SCALE_SECONDS", 30),
  refreshIntervalSec: 30,
  /** The open-loop rows: calls per second offered whatever the answers (the issue asks for 1,000). */
  openLoopRate: int("BENCH_OPEN_LOOP_RATE", 1_000),
  /** Appliances registering at once in the registration storm. */
  stormSize: int("BENCH_STORM_SIZE", 10_000),
  /** Registered participants (rows written directly) in the large-fleet row; 1 % of them refresh. */
  millionSize: int("BENCH_MILLION_SIZE", 1_000_000),
  /** Participants registered before each start of the built server in the start-up part (0: an idle server). */
  startupSizes: list("BENCH_STARTUP_SIZES", "0,10000,100000,1000000").map(Number),
  /** Of those, how many were seen a moment ago (the rest a day ago): the leases a start loads. */
  startupRecent: int("BENCH_STARTUP_RECENT", 100_000),
  /** How long one address floods refreshes with random tokens in the flood part. */
  floodSeconds: int("BENCH_FLOOD_SECONDS", 10),
  parts: list("BENCH_PARTS", PARTS.join(",")),
  /** The databases the appliance workloads run on (`mix`): sqlite, postgresql (one and two processes). */
  mixDatabases: list("BENCH_MIX_DATABASES", "sqlite,postgresql"),
  /** The databases of the policy part's open-pool rows (its contended rows run on SQLite). */
  policyDatabases: list("BENCH_POLICY_DATABASES", "sqlite,postgresql"),
};

for (const database of [...config.mixDatabases, ...config.policyDatabases]) {
  if (database !== "sqlite" && database !== "postgresql")
    throw new Error(
      `BENCH_MIX_DATABASES / BENCH_POLICY_DATABASES: unknown database "${database}"; known: sqlite, postgresql`,
    );
}
for (const part of config.parts) {
  if (!(PARTS as readonly string[]).includes(part))
    throw new Error(`BENCH_PARTS: unknown part "${part}"; known: ${PARTS.join(", ")}`);
}
