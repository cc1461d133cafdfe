// Issue 10: every appliance.*, auth.* and admin.* procedure, over real HTTP against a real server,
// fed inputs its schema refuses (arbitrary JSON, oversized strings, 1e308, -0, NaN-like strings,
// deep nesting, wrong types), as an anonymous caller, a signed-in administrator and a registered
// appliance. Every answer must be a typed 4xx (never a 500, never a hang), and the database must
// be exactly as it was: the ledger, the settings and the row count of every table.
// Raw HTTP on purpose: the inputs are ones no typed client would let through.
import fc from "fast-check";
import { participantRecords, rowCounts } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import { freshDatabase, registerOk, startTestServer, type FreshDatabase, type TestServer } from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";

const RUNS = 400;
const CALL_TIMEOUT_MS = 10_000;
/** Query inputs travel in the URL, whose head Node caps at 16 KiB; bigger ones go as mutations only. */
const MAX_QUERY_INPUT = 8 * 1024;

interface Procedure {
  path: string;
  type: "query" | "mutation";
  parse: ((input: unknown) => { success: boolean }) | null;
}

/** Every procedure of the three public routers, with its input schema when it has one. */
function fuzzedProcedures(): Procedure[] {
  const all = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: Procedure["type"]; inputs: Array<{ safeParse?: (input: unknown) => { success: boolean } }> } }
  >;
  return Object.entries(all)
    .filter(([path]) => /^(appliance|auth|admin)\./.test(path))
    .map(([path, procedure]) => {
      const schema = procedure._def.inputs[0];
      return {
        path,
        type: procedure._def.type,
        parse: schema?.safeParse ? (input: unknown) => schema.safeParse!(input) : null,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** A plausible input per procedure, so one bad field is tried among good ones. Procedures without one get whole-input garbage. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  "appliance.register": {
    secret: "integration-secret-1",
    serial: "FUZZ0001",
    hostname: "h",
    model: "m",
    platformLimit: 100,
    localLimit: 0,
  },
  "appliance.request": { sessions: 50, requestId: "fuzz-1" },
  "appliance.refresh": { inUse: 0 },
  "appliance.release": { sessions: 0 },
  "appliance.transfer": { fromSerial: "FUZZ0002" },
  "auth.setup": { setupCode: "AAAA-BBBB", name: "fuzz", password: "a long enough password" },
  "auth.login": { name: "root", password: "wrong password" },
  "admin.participants.list": { page: 1, pageSize: 50 },
  "admin.participants.get": { serial: "FUZZ0001" },
  "admin.participants.approve": { serial: "FUZZ0001" },
  "admin.participants.forceRelease": { serial: "FUZZ0001" },
  "admin.participants.remove": { serial: "FUZZ0001" },
  "admin.settings.setPoolSize": { poolSize: 100 },
  "admin.settings.setRefreshInterval": { refreshIntervalSec: 60 },
  "admin.settings.setSecret": { secret: "another-secret-value" },
  "admin.accounts.create": { name: "fuzzer", password: "a long enough password", role: "viewer" },
  "admin.accounts.setRole": { id: "acc_unknown", role: "admin" },
  "admin.accounts.remove": { id: "acc_unknown" },
  "admin.audit.list": { filter: {}, page: 1 },
};

function nested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, -0, 0.5, 2 ** 31, 2 ** 53 + 2, -1, Number.MIN_VALUE),
  fc.constantFrom(
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "1e308",
    "0x32",
    " 50 ",
    "",
    "null",
    "__proto__",
    "\u0000",
    "🚀".repeat(40),
  ),
  fc.constantFrom("x".repeat(70_000), "é".repeat(40_000), "a".repeat(300)),
  fc.integer({ min: 50, max: 4000 }).map(nested),
  fc.constantFrom(null, true, false, [], {}),
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A whole input: arbitrary JSON, a bad value alone, or a plausible input with one field made bad (or one field added). */
function inputFor(path: string): fc.Arbitrary<unknown> {
  const example = EXAMPLES[path];
  const whole = fc.oneof(fc.jsonValue({ maxDepth: 4 }), badValue);
  if (!example) return whole;
  const oneField = fc
    .record({ key: fc.constantFrom(...Object.keys(example), "unexpected"), value: badValue })
    .map(({ key, value }) => ({ ...example, [key]: value }));
  return fc.oneof({ weight: 1, arbitrary: whole }, { weight: 3, arbitrary: oneField });
}

type Caller = "anonymous" | "admin" | "appliance";

/** Mostly the caller the procedure is for, so inputs reach its validation; sometimes a stranger. */
function callerFor(path: string): fc.Arbitrary<Caller> {
  const own: Caller = path.startsWith("appliance.") ? "appliance" : "admin";
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constantFrom<Caller>("anonymous", "admin", "appliance") },
  );
}

interface Reply {
  status: number;
  body: {
    result?: unknown;
    error?: { message?: unknown; data?: { code?: unknown; reason?: unknown; httpStatus?: unknown } };
  } | null;
}

/** Row counts of every table, the settings row and the ledger: what must not move. */
async function databaseState(server: TestServer) {
  const { store } = server.running.services;
  const counts = await rowCounts(store, [
    "participant",
    "appliedRequest",
    "auditEvent",
    "adminAccount",
    "adminSession",
    "usageSample",
    "backupRole",
  ]);
  const settings = await store.readServer();
  const participants = (await participantRecords(store)).map(
    ({ id, granted, pending, tokenHash, lastSeenAt, inUse }) => ({
      id,
      granted,
      pending,
      tokenHash,
      lastSeenAt,
      inUse,
    }),
  );
  return { counts, settings, participants, ledger: await server.running.services.store.ledger() };
}

describe("fuzzing every appliance, auth and admin procedure over HTTP", () => {
  let database: FreshDatabase;
  let server: TestServer;
  const headers: Record<Caller, Record<string, string>> = { anonymous: {}, admin: {}, appliance: {} };

  beforeAll(async () => {
    database = await freshDatabase("sqlite", "api_fuzz");
    server = await startTestServer(database.url);
    const admin = await setUpAdmin(server);
    headers.admin = { cookie: admin.cookie! };
    const token = await registerOk(server, "FUZZ0001");
    await server.api(token).appliance.request.mutate({ sessions: 100, requestId: "fuzz-setup" });
    headers.appliance = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  async function send(procedure: Procedure, input: unknown, caller: Caller): Promise<Reply> {
    const json = JSON.stringify(input) ?? "null";
    const common = { "x-sls-console": "1", ...headers[caller] };
    const url = `${server.baseUrl}/api/trpc/${procedure.path}`;
    const response =
      procedure.type === "query"
        ? await fetch(`${url}?input=${encodeURIComponent(json)}`, {
            headers: common,
            signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          })
        : await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...common },
            body: json,
            signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          });
    const text = await response.text();
    let body: Reply["body"] = null;
    try {
      body = JSON.parse(text) as Reply["body"];
    } catch {
      // asserted below: every answer is JSON
    }
    return { status: response.status, body };
  }

  it(`answers ${RUNS} refused inputs with typed 4xx errors and changes nothing`, async () => {
    const procedures = fuzzedProcedures();
    expect(procedures.filter((p) => p.path.startsWith("appliance.")).length).toBe(5);
    expect(procedures.filter((p) => p.path.startsWith("auth.")).length).toBeGreaterThanOrEqual(4);
    expect(procedures.filter((p) => p.path.startsWith("admin.")).length).toBeGreaterThan(15);
    const before = await databaseState(server);
    const seen = new Map<string, number>();

    const cases = fc
      .constantFrom(...procedures)
      .chain((procedure) =>
        fc.record({
          procedure: fc.constant(procedure),
          input: inputFor(procedure.path),
          caller: callerFor(procedure.path),
        }),
      )
      // Only inputs the procedure's own schema refuses (an input that happens to be valid would
      // rightly change something), sent through JSON as the wire would; no-input procedures take anything.
      .filter(({ procedure, input }) => {
        const wire: unknown = JSON.parse(JSON.stringify(input) ?? "null");
        if (procedure.type === "query" && encodeURIComponent(JSON.stringify(wire)).length > MAX_QUERY_INPUT)
          return false;
        return procedure.parse === null
          ? procedure.type === "query" || procedure.path === "auth.logout"
          : !procedure.parse(wire).success;
      });

    await fc.assert(
      fc.asyncProperty(cases, async ({ procedure, input, caller }) => {
        // auth.logout takes no input and would end the administrator's session: anonymously only.
        const who = procedure.path === "auth.logout" ? "anonymous" : caller;
        const reply = await send(procedure, input, who);
        const label = `${procedure.path} as ${who}: ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`;
        expect(reply.body, label).not.toBeNull();
        if (procedure.parse === null && reply.status === 200) return;
        expect(reply.status, label).toBeGreaterThanOrEqual(400);
        expect(reply.status, label).toBeLessThan(500);
        const data = reply.body!.error?.data;
        expect(typeof reply.body!.error?.message, label).toBe("string");
        expect(data?.httpStatus, label).toBe(reply.status);
        expect(String(data?.code), label).toMatch(/^[A-Z_]+$/);
        expect(String(data?.reason), label).toMatch(/^[A-Z_0-9]+$/);
        seen.set(String(data?.reason), (seen.get(String(data?.reason)) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );

    // The suite reached the validation of inputs, not only the doors in front of it.
    expect(seen.get("INVALID_INPUT") ?? 0).toBeGreaterThan(RUNS / 4);
    expect(await databaseState(server)).toEqual(before);
    await expectLedgerBalanced(server.running.services.store);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  }, 90_000);
});
