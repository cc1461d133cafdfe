import { Agent, request as httpRequest } from "node:http";
import { checkLedger, type LedgerCheck, readLedger, seedFleet, type SeededParticipant } from "@sls/server/testing";
import { freshPostgres, freshSqlite, type BenchDatabase } from "../databases.ts";
import { prepareDatabase, startBareServer, startLicenseServer } from "../processes.ts";
import { percentiles } from "./storm.ts";

export interface WaveRow {
  target: string;
  database: "none" | "sqlite" | "postgresql";
  /** `kept-alive`: the wave rides connections opened beforehand; `new`: each call opens its own. */
  connections: "kept-alive" | "new";
  calls: number;
  served: number;
  /** Refused `OVERLOADED` (all of them carry `retryAfterMs`; `overloadedWithoutRetry` counts any that did not). */
  overloaded: number;
  overloadedWithoutRetry: number;
  /** No answer before the client gave up (`giveUpMs`). */
  timedOut: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Latency of the served calls, from the call being sent to its whole answer read (ms). */
  servedP50: number;
  servedMax: number;
  /** From the first call sent to the last one settled (answered, given up on or failed). */
  waveSec: number;
  giveUpMs: number;
  /** Calls whose caller gave up but whose grant was committed anyway (read from the database after). */
  grantedAfterGiveUp: number | null;
  ledger: LedgerCheck | null;
  skipped?: string;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const PATH = "/api/trpc/appliance.request";
/** Part a: 200 participants asking 5 times each at once, on connections already open. */
const CONCURRENT = { participants: 200, perParticipant: 5, giveUpMs: 30_000 };
/** Part b: 4,000 participants asking once each, at once, each over a new connection; the client gives up after 10 s. */
const STORM = { participants: 4_000, giveUpMs: 10_000 };
/** The server's cap per client address is raised above the wave so that the cap refuses nothing. */
const SERVER_ENV = { SLS_MAX_CONNECTIONS_PER_ADDRESS: "20000" };
/** Time for calls the client gave up on to finish in the server before the database is read. */
const SETTLE_MS = 5_000;

type Outcome =
  | { kind: "served"; ms: number; granted: number }
  | { kind: "overloaded"; withRetry: boolean }
  | { kind: "timedOut" }
  | { kind: "error"; what: string };

/** One `appliance.request` for 50 sessions, given up on (socket destroyed) after `giveUpMs`. */
function requestOnce(
  baseUrl: string,
  agent: Agent | false,
  participant: SeededParticipant,
  requestId: string,
  giveUpMs: number,
): Promise<Outcome> {
  const body = JSON.stringify({ sessions: 50, requestId });
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = httpRequest(
      `${baseUrl}${PATH}`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${participant.token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => settle({ kind: "error", what: (error as NodeJS.ErrnoException).code ?? "error" }));
        res.on("end", () => settle(outcomeOf(res.statusCode ?? 0, Buffer.concat(chunks).toString(), started)));
      },
    );
    const timer = setTimeout(() => {
      settle({ kind: "timedOut" });
      req.destroy();
    }, giveUpMs);
    req.on("error", (error) => settle({ kind: "error", what: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(body);
  });
}

function outcomeOf(status: number, text: string, started: number): Outcome {
  const ms = performance.now() - started;
  try {
    const body = JSON.parse(text) as {
      result?: { data: { granted: number } };
      error?: { data?: { reason?: string; retryAfterMs?: number } };
    };
    if (status === 200 && body.result) return { kind: "served", ms, granted: body.result.data.granted };
    if (body.error?.data?.reason === "OVERLOADED")
      return { kind: "overloaded", withRetry: typeof body.error.data.retryAfterMs === "number" };
    return { kind: "error", what: `${status} ${body.error?.data?.reason ?? "?"}` };
  } catch {
    return { kind: "error", what: `${status} unreadable` };
  }
}

interface WaveCall {
  participant: SeededParticipant;
  requestId: string;
}

/** Sends every call at once and waits until each is settled. */
async function sendWave(baseUrl: string, agent: Agent | false, calls: WaveCall[], giveUpMs: number) {
  const started = performance.now();
  const outcomes = await Promise.all(
    calls.map(({ participant, requestId }) => requestOnce(baseUrl, agent, participant, requestId, giveUpMs)),
  );
  return { outcomes, waveSec: (performance.now() - started) / 1000 };
}

function rowOf(
  head: Pick<WaveRow, "target" | "database" | "connections" | "giveUpMs">,
  outcomes: Outcome[],
  waveSec: number,
): WaveRow {
  const served = outcomes.flatMap((o) => (o.kind === "served" ? [o.ms] : []));
  const errorKinds: Record<string, number> = {};
  for (const o of outcomes) if (o.kind === "error") errorKinds[o.what] = (errorKinds[o.what] ?? 0) + 1;
  const count = (kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  return {
    ...head,
    calls: outcomes.length,
    served: served.length,
    overloaded: count("overloaded"),
    overloadedWithoutRetry: outcomes.filter((o) => o.kind === "overloaded" && !o.withRetry).length,
    timedOut: count("timedOut"),
    errors: count("error"),
    errorKinds,
    servedP50: percentiles(served).p50,
    servedMax: served.length ? Math.round(Math.max(...served) * 10) / 10 : Number.NaN,
    waveSec,
    grantedAfterGiveUp: null,
    ledger: null,
  };
}

/**
 * Serial → granted for participants whose every call was answered (served or refused, which
 * does nothing), as the largest granted any of their answers said: in a wave of requests only,
 * the last commit holds the most.
 */
function acknowledged(calls: WaveCall[], outcomes: Outcome[]): Map<string, number> {
  const map = new Map<string, number>();
  const unknown = new Set<string>();
  calls.forEach(({ participant }, i) => {
    const outcome = outcomes[i]!;
    if (outcome.kind === "timedOut" || outcome.kind === "error") unknown.add(participant.serial);
    else
      map.set(
        participant.serial,
        Math.max(map.get(participant.serial) ?? 0, outcome.kind === "served" ? outcome.granted : 0),
      );
  });
  for (const serial of unknown) map.delete(serial);
  return map;
}

async function concurrentRow(database: "sqlite" | "postgresql", db: BenchDatabase): Promise<WaveRow> {
  // Seeded before the server starts, which loads them: a token written behind a running server's back is unknown to it.
  await prepareDatabase(db.url);
  const seeded = await seedFleet(
    { databaseUrl: db.url },
    { count: 2 * CONCURRENT.participants, prefix: "WAVE", platformLimit: 1_000_000, localLimit: 0 },
  );
  const server = await startLicenseServer(db.url, SERVER_ENV);
  const total = CONCURRENT.participants * CONCURRENT.perParticipant;
  const agent = new Agent({ keepAlive: true, maxSockets: total });
  try {
    const waveOf = (participants: SeededParticipant[], tag: string): WaveCall[] =>
      participants.flatMap((participant) =>
        Array.from({ length: CONCURRENT.perParticipant }, (_, k) => ({ participant, requestId: `${tag}-${k}` })),
      );
    // A warm-up wave on other participants opens the connections and warms the JIT and the pools.
    await sendWave(server.baseUrl, agent, waveOf(seeded.slice(CONCURRENT.participants), "warm"), CONCURRENT.giveUpMs);
    const calls = waveOf(seeded.slice(0, CONCURRENT.participants), "wave");
    say(`wave (${database}): ${total.toLocaleString("en-US")} concurrent requests on kept-alive connections`);
    const { outcomes, waveSec } = await sendWave(server.baseUrl, agent, calls, CONCURRENT.giveUpMs);
    const row = rowOf(
      {
        target: `${total.toLocaleString("en-US")} concurrent requests (${CONCURRENT.perParticipant} per participant), ${database === "sqlite" ? "SQLite" : "PostgreSQL"}`,
        database,
        connections: "kept-alive",
        giveUpMs: CONCURRENT.giveUpMs,
      },
      outcomes,
      waveSec,
    );
    return { ...row, ledger: await checkLedger(db.url, acknowledged(calls, outcomes)) };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

const STORM_TARGET = `${STORM.participants.toLocaleString("en-US")} requests at once over as many new connections, client gives up after ${STORM.giveUpMs / 1000} s`;

async function stormRow(db: BenchDatabase): Promise<WaveRow> {
  await prepareDatabase(db.url);
  const seeded = await seedFleet(
    { databaseUrl: db.url },
    { count: STORM.participants, prefix: "STORM", platformLimit: 1_000_000, localLimit: 0 },
  );
  const server = await startLicenseServer(db.url, SERVER_ENV);
  const calls = seeded.map((participant) => ({ participant, requestId: "storm" }));
  let outcomes: Outcome[];
  let waveSec: number;
  try {
    say(`wave (sqlite): ${STORM_TARGET}`);
    ({ outcomes, waveSec } = await sendWave(server.baseUrl, false, calls, STORM.giveUpMs));
    // Calls the client gave up on may still be queued in the server: let them finish before reading.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  } finally {
    await server.stop();
  }
  const row = rowOf(
    { target: `${STORM_TARGET}, SQLite`, database: "sqlite", connections: "new", giveUpMs: STORM.giveUpMs },
    outcomes,
    waveSec,
  );
  const { grantedBySerial } = await readLedger(db.url);
  const grantedAfterGiveUp = calls.filter(
    ({ participant }, i) => outcomes[i]!.kind === "timedOut" && (grantedBySerial.get(participant.serial) ?? 0) > 0,
  ).length;
  return { ...row, grantedAfterGiveUp, ledger: await checkLedger(db.url, acknowledged(calls, outcomes)) };
}

async function bareStormRow(): Promise<WaveRow> {
  const bare = await startBareServer();
  try {
    const fake = Array.from({ length: STORM.participants }, (_, i) => ({ serial: `B${i}`, token: `t${i}` }));
    const { outcomes, waveSec } = await sendWave(
      bare.baseUrl,
      false,
      fake.map((participant) => ({ participant, requestId: "storm" })),
      STORM.giveUpMs,
    );
    return rowOf(
      { target: `${STORM_TARGET}, bare node:http`, database: "none", connections: "new", giveUpMs: STORM.giveUpMs },
      outcomes,
      waveSec,
    );
  } finally {
    await bare.stop();
  }
}

/**
 * Part 6: waves of `appliance.request`. (a) 1,000 at once on kept-alive connections, SQLite and
 * PostgreSQL: is anything refused that could have been served within the deadline? (b) 4,000 at
 * once over 4,000 new connections from one client that gives up after 10 s (SQLite), and bare
 * node:http answering the same wave from the same client: is every call answered in time, and is
 * any call granted after its caller gave up?
 */
export async function runWavePart(): Promise<WaveRow[]> {
  const rows: WaveRow[] = [];
  const postgres = await freshPostgres("wave");
  const databases: Array<["sqlite" | "postgresql", BenchDatabase | { unavailable: string }]> = [
    ["sqlite", freshSqlite("wave")],
    ["postgresql", postgres],
  ];
  for (const [database, db] of databases) {
    if ("unavailable" in db) {
      say(`wave: PostgreSQL skipped (${db.unavailable})`);
      rows.push(skipped(`1,000 concurrent requests, PostgreSQL`, database, db.unavailable));
      continue;
    }
    try {
      rows.push(await concurrentRow(database, db));
    } finally {
      await db.drop();
    }
  }
  const stormDb = freshSqlite("wave-storm");
  try {
    rows.push(await stormRow(stormDb));
  } finally {
    await stormDb.drop();
  }
  say(`wave: the same storm against bare node:http`);
  rows.push(await bareStormRow());
  return rows;
}

function skipped(target: string, database: WaveRow["database"], why: string): WaveRow {
  return {
    ...rowOf({ target, database, connections: "kept-alive", giveUpMs: CONCURRENT.giveUpMs }, [], 0),
    skipped: why,
  };
}
