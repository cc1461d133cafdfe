import http from "node:http";
import { ApplianceError, Backoff, DEFAULTS, type Random } from "@sls/participant";
import { Store } from "@sls/db";
import { config } from "../config.ts";
import { freshSqlite } from "../databases.ts";
import { cpuShareDuring, memoryMb } from "../proc.ts";
import { BENCH_SECRET, startLicenseServer } from "../processes.ts";

export interface StormRow {
  appliances: number;
  /** From the first call to the last registration answered, or null when some never registered. */
  allRegisteredSec: number | null;
  registered: number;
  /** Participants in the database afterwards (each serial once). */
  inDatabase: number;
  /** Every call that got an HTTP answer, refusals included. */
  calls: number;
  p50: number;
  p99: number;
  /** The registrations the server accepted, alone. */
  acceptedP50: number;
  acceptedP99: number;
  overloaded: number;
  rateLimited: number;
  /** Connection errors, timeouts and refusals that are not for load, by kind. */
  errors: number;
  errorKinds: Record<string, number>;
  connections: number;
  cpuShare: number;
  /** Server CPU per answered call: what the share above means on a machine shared with other work. */
  cpuMsPerCall: number;
  peakRssMb: number;
}

const say = (line: string) => console.log(`[bench] ${line}`);
/** Sockets the load generator keeps open to the server (several thousand appliances share them). */
const STORM_CONNECTIONS = 1_000;
/** An appliance still unregistered after this long is left out (and the storm counted as missed). */
const GIVE_UP_MS = 180_000;

/** Nearest-rank p50 and p99 of latencies in ms, to 0.1 ms. */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  if (samples.length === 0) return { p50: Number.NaN, p99: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
}

interface Answer {
  ok: boolean;
  status: number;
  refusal: ApplianceError | null;
  /** From the call having its connection to the whole answer read. */
  ms: number;
}

class CallTimeout extends Error {
  override readonly name = "CallTimeout";
}

/**
 * One POST of a JSON body through `agent`; a refusal is read as the participant client reads it.
 * The client's call timeout runs from the moment the call has a connection (an appliance has its
 * own; here thousands share the agent's sockets, and their wait for one is the generator's, not
 * the server's).
 */
function post(agent: http.Agent, baseUrl: string, path: string, body: string): Promise<Answer> {
  const url = new URL(path, baseUrl);
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        agent,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          resolve({ ok: status === 200, status, refusal: refusalOf(text, status), ms: performance.now() - sentAt });
        });
        response.on("error", reject);
      },
    );
    request.once("socket", () => (sentAt = performance.now()));
    request.setTimeout(DEFAULTS.callTimeoutMs, () =>
      request.destroy(new CallTimeout(`no answer within ${DEFAULTS.callTimeoutMs} ms`)),
    );
    request.on("error", reject);
    request.end(body);
  });
}

function refusalOf(text: string, status: number): ApplianceError | null {
  if (status === 200) return null;
  try {
    const { error } = JSON.parse(text) as {
      error?: { message?: string; data?: { code?: string; reason?: string; retryAfterMs?: number } };
    };
    const data = error?.data;
    if (data?.code && data.reason)
      return new ApplianceError(data.code, data.reason, error?.message ?? data.reason, status, {
        retryAfterMs: data.retryAfterMs,
      });
  } catch {
    // not a tRPC error body: counted by its status below
  }
  return new ApplianceError("UNKNOWN", `HTTP_${status}`, `HTTP ${status}`, status);
}

/** What every appliance of the storm saw, added up. */
class StormTally {
  readonly latencies: number[] = [];
  readonly accepted: number[] = [];
  readonly refusedForLoad = new Map<string, number>();
  readonly errorKinds: Record<string, number> = {};
  registered = 0;
  lastRegisteredAt = 0;

  error(kind: string): void {
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
  }
}

/**
 * One appliance: registers with its own serial and the right secret; a refusal for load
 * (TOO_MANY_REQUESTS: OVERLOADED, RATE_LIMITED) is retried after `retryAfterMs` plus the client's
 * full-jitter back-off (the participant client's defaults), as the contract says.
 */
async function registerOne(
  agent: http.Agent,
  baseUrl: string,
  serial: string,
  tally: StormTally,
  random: Random,
  deadline: number,
): Promise<void> {
  const body = JSON.stringify({
    secret: BENCH_SECRET,
    serial,
    hostname: `${serial.toLowerCase()}.storm.example.net`,
    model: "ASA5516-X",
    platformLimit: 300,
    localLimit: 50,
  });
  const backoff = new Backoff({ baseMs: DEFAULTS.retryDelayMs, capMs: DEFAULTS.maxRetryDelayMs, random });
  while (performance.now() < deadline) {
    let answer: Answer;
    try {
      answer = await post(agent, baseUrl, "/api/trpc/appliance.register", body);
    } catch (error) {
      tally.error(
        error instanceof CallTimeout
          ? "timeouts"
          : `connection errors (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
      await sleep(backoff.next(error).delayMs);
      continue;
    }
    tally.latencies.push(answer.ms);
    if (answer.ok) {
      tally.accepted.push(answer.ms);
      tally.registered += 1;
      tally.lastRegisteredAt = performance.now();
      return;
    }
    const refusal = answer.refusal!;
    if (refusal.code !== "TOO_MANY_REQUESTS") return tally.error(refusal.reason);
    tally.refusedForLoad.set(refusal.reason, (tally.refusedForLoad.get(refusal.reason) ?? 0) + 1);
    await sleep(backoff.next(refusal).delayMs);
  }
  tally.error("gave up");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function countParticipants(databaseUrl: string): Promise<number> {
  const store = Store.open(databaseUrl);
  try {
    return (await store.listParticipants()).length;
  } finally {
    await store.close();
  }
}

/** The registration storm: `config.stormSize` appliances registering at once with one SQLite server. */
export async function runStormPart(): Promise<StormRow> {
  const appliances = config.stormSize;
  const db = freshSqlite("storm");
  const server = await startLicenseServer(db.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: STORM_CONNECTIONS });
  try {
    say(
      `registration storm: ${appliances.toLocaleString("en-US")} appliances at once over ${STORM_CONNECTIONS} connections`,
    );
    const tally = new StormTally();
    const started = performance.now();
    const deadline = started + GIVE_UP_MS;
    const serial = (i: number) => `STORM${String(i).padStart(6, "0")}`;
    const { cpuShare } = await cpuShareDuring(server.pid, () =>
      Promise.all(
        Array.from({ length: appliances }, (_, i) =>
          registerOne(agent, server.baseUrl, serial(i), tally, Math.random, deadline),
        ),
      ),
    );
    const wallMs = performance.now() - started;
    const peakRssMb = memoryMb(server.pid).peak;
    await server.stop();
    const all = percentiles(tally.latencies);
    const accepted = percentiles(tally.accepted);
    const errors = Object.values(tally.errorKinds).reduce((a, b) => a + b, 0);
    return {
      appliances,
      allRegisteredSec: tally.registered === appliances ? (tally.lastRegisteredAt - started) / 1000 : null,
      registered: tally.registered,
      inDatabase: await countParticipants(db.url),
      calls: tally.latencies.length,
      p50: all.p50,
      p99: all.p99,
      acceptedP50: accepted.p50,
      acceptedP99: accepted.p99,
      overloaded: tally.refusedForLoad.get("OVERLOADED") ?? 0,
      rateLimited: tally.refusedForLoad.get("RATE_LIMITED") ?? 0,
      errors,
      errorKinds: tally.errorKinds,
      connections: STORM_CONNECTIONS,
      cpuShare,
      cpuMsPerCall: (cpuShare * wallMs) / Math.max(1, tally.latencies.length),
      peakRssMb,
    };
  } finally {
    agent.destroy();
    await server.stop();
    await db.drop();
  }
}
