// The lean appliance path (http/appliance-handler.ts → routers/appliance/lean-call.ts) against the
// tRPC procedures it stands in for: every verb's answer, byte for byte with its HTTP status, and
// what it counts, must be the ones the router gives through createCaller, answered the way the
// HTTP path answered before it went lean (trpcErrorBody, the status of the tRPC code).
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { trpcErrorBody } from "../src/http/json-io.ts";
import { createCaller } from "../src/root.ts";
import type { VerbName } from "../src/routers/appliance/verbs.ts";
import { createContextInner } from "../src/trpc.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { rawRequest } from "./kit/raw-http.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  registration,
  startTestServer,
  type FreshDatabase,
  type TestServer,
} from "./kit/test-server.ts";

interface Answer {
  status: number;
  body: string;
  /** What the call counted: message counters and call metrics, in order. */
  counted: unknown[][];
}

function countingSpies(server: TestServer) {
  const { counters, metrics } = server.running.services;
  const counted: unknown[][] = [];
  const count = vi.spyOn(counters, "count").mockImplementation(function (this: unknown, ...args) {
    counted.push(["count", ...args]);
  });
  const observe = vi.spyOn(metrics, "observeCall").mockImplementation((verb, outcome) => {
    counted.push(["observeCall", verb, outcome]);
  });
  return {
    counted,
    restore() {
      count.mockRestore();
      observe.mockRestore();
    },
  };
}

async function overLeanPath(server: TestServer, verb: VerbName, input: unknown, token?: string): Promise<Answer> {
  const spies = countingSpies(server);
  try {
    const answer = await rawRequest(`${server.baseUrl}/api/trpc/appliance.${verb}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
    });
    return { status: answer.status, body: answer.body, counted: spies.counted };
  } finally {
    spies.restore();
  }
}

async function throughRouter(server: TestServer, verb: VerbName, input: unknown, token?: string): Promise<Answer> {
  const spies = countingSpies(server);
  const ctx = createContextInner({
    arrivedAt: performance.now(),
    services: server.running.services,
    remoteAddress: "127.0.0.1",
    authorization: token ? `Bearer ${token}` : null,
  });
  try {
    const data = await createCaller(ctx).appliance[verb](input as never);
    return { status: 200, body: JSON.stringify({ result: { data } }), counted: spies.counted };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    const body = trpcErrorBody(error, { type: "mutation", path: `appliance.${verb}`, input, ctx });
    return { status: getHTTPStatusCodeFromError(error), body: JSON.stringify(body), counted: spies.counted };
  } finally {
    spies.restore();
  }
}

/** The same call both ways; `same` makes answers that must differ (a new token) comparable. */
async function bothWays(
  server: TestServer,
  verb: VerbName,
  input: unknown,
  token?: string,
  same: (body: string) => string = (body) => body,
) {
  const lean = await overLeanPath(server, verb, input, token);
  const router = await throughRouter(server, verb, input, token);
  expect({ ...lean, body: same(lean.body) }).toEqual({ ...router, body: same(router.body) });
  return lean;
}

const reasonOf = (answer: Answer) =>
  (JSON.parse(answer.body) as { error?: { data: { reason: string } } }).error?.data.reason;

describe.each(providers())("the lean appliance path answers as the tRPC procedures on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let token: string;
  let standby: string;

  beforeAll(async () => {
    db = await freshDatabase(provider, "lean-path");
    server = await startTestServer(db.url);
    token = await registerOk(server, "LEAN0001", { haPeerSerial: "LEAN0002" });
    standby = await registerOk(server, "LEAN0002", { haPeerSerial: "LEAN0001" });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("register: success (but for the new token), INVALID_INPUT, BAD_SECRET", async () => {
    const withoutToken = (body: string) => body.replace(/"token":"[^"]+"/, '"token":"…"');
    const ok = await bothWays(server, "register", registration("LEAN0003"), undefined, withoutToken);
    expect(ok.status).toBe(200);
    const invalid = await bothWays(server, "register", { ...registration("LEAN0003"), localLimit: 5000 });
    expect([invalid.status, reasonOf(invalid)]).toEqual([400, "INVALID_INPUT"]);
    const wrong = await bothWays(server, "register", registration("LEAN0003", { secret: "not-the-secret" }));
    expect([wrong.status, reasonOf(wrong)]).toEqual([401, "BAD_SECRET"]);
  });

  it("request: success (a replay answers the first answer), INVALID_INPUT, BAD_TOKEN, a domain refusal", async () => {
    const first = await overLeanPath(server, "request", { sessions: 100, requestId: "lean-1" }, token);
    expect(first.status).toBe(200);
    expect((await bothWays(server, "request", { sessions: 100, requestId: "lean-1" }, token)).body).toBe(first.body);
    const invalid = await bothWays(server, "request", { sessions: "many", requestId: "" }, token);
    expect([invalid.status, reasonOf(invalid)]).toEqual([400, "INVALID_INPUT"]);
    const unknown = await bothWays(server, "request", { sessions: 50, requestId: "lean-2" }, "not-a-token");
    expect([unknown.status, reasonOf(unknown)]).toEqual([401, "BAD_TOKEN"]);
    // The token is checked before the input, as participantProcedure did.
    const both = await bothWays(server, "request", { sessions: "many" }, "not-a-token");
    expect(reasonOf(both)).toBe("BAD_TOKEN");
    // An allocator refusal (AllocationError), mapped as mapErrors maps it.
    const refused = await bothWays(server, "request", { sessions: 70, requestId: "lean-3" }, token);
    expect([refused.status, reasonOf(refused)]).toEqual([400, "NOT_A_MULTIPLE_OF_50"]);
  });

  it("refresh: success, INVALID_INPUT (checked before the token), BAD_TOKEN, inUse above the platform limit", async () => {
    expect((await bothWays(server, "refresh", { inUse: 3 }, token)).status).toBe(200);
    const invalid = await bothWays(server, "refresh", { inUse: -1 }, "not-a-token");
    expect([invalid.status, reasonOf(invalid)]).toEqual([400, "INVALID_INPUT"]);
    const unknown = await bothWays(server, "refresh", { inUse: 3 }, "not-a-token");
    expect([unknown.status, reasonOf(unknown)]).toEqual([401, "BAD_TOKEN"]);
    // Not from memory: the locked path refuses it.
    const above = await bothWays(server, "refresh", { inUse: 1001 }, token);
    expect([above.status, reasonOf(above)]).toEqual([400, "INVALID_INPUT"]);
  });

  it("release: success, INVALID_INPUT, BAD_TOKEN, more than granted", async () => {
    expect((await bothWays(server, "release", { sessions: 0 }, token)).status).toBe(200);
    const invalid = await bothWays(server, "release", { sessions: 1.5 }, token);
    expect([invalid.status, reasonOf(invalid)]).toEqual([400, "INVALID_INPUT"]);
    const unknown = await bothWays(server, "release", { sessions: 0 }, undefined);
    expect([unknown.status, reasonOf(unknown)]).toEqual([401, "BAD_TOKEN"]);
    const over = await bothWays(server, "release", { sessions: 100_000 }, token);
    expect([over.status, reasonOf(over)]).toEqual([400, "RELEASE_EXCEEDS_GRANT"]);
  });

  it("transfer: success, INVALID_INPUT, BAD_TOKEN, not the failover peer", async () => {
    // The first moves the peer's grant; the second finds nothing left to move and answers the same.
    expect((await overLeanPath(server, "transfer", { fromSerial: "LEAN0001" }, standby)).status).toBe(200);
    expect((await bothWays(server, "transfer", { fromSerial: "LEAN0001" }, standby)).status).toBe(200);
    const invalid = await bothWays(server, "transfer", { fromSerial: 7 }, standby);
    expect([invalid.status, reasonOf(invalid)]).toEqual([400, "INVALID_INPUT"]);
    const unknown = await bothWays(server, "transfer", { fromSerial: "LEAN0001" }, "not-a-token");
    expect([unknown.status, reasonOf(unknown)]).toEqual([401, "BAD_TOKEN"]);
    const stranger = await bothWays(server, "transfer", { fromSerial: "LEAN0003" }, standby);
    expect([stranger.status, reasonOf(stranger)]).toEqual([403, "NOT_HA_PEER"]);
  });
});

describe("the lean appliance path on a backup server that is not serving", () => {
  let db: FreshDatabase;
  let backup: TestServer;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "lean-backup");
    // Its main server never answers, so it never synchronises and refuses appliance calls.
    backup = await startTestServer(db.url, {
      SLS_ROLE: "backup",
      SLS_MAIN_URL: "http://127.0.0.1:1",
      SLS_BACKUP_SERIAL: "LEANBKP",
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "600000",
    });
  });
  afterAll(async () => {
    await backup?.close();
    await db?.drop();
  });

  it("refuses every verb with BACKUP_INACTIVE before it looks at the token or the input", async () => {
    const calls: Array<[VerbName, unknown, string | undefined]> = [
      ["register", registration("LEAN0009"), undefined],
      ["request", { sessions: "many" }, "not-a-token"],
      ["refresh", { inUse: 0 }, "not-a-token"],
      ["release", { sessions: 50 }, undefined],
      ["transfer", { fromSerial: "LEAN0001" }, "not-a-token"],
    ];
    for (const [verb, input, token] of calls) {
      const answer = await bothWays(backup, verb, input, token);
      expect([verb, answer.status, reasonOf(answer)]).toEqual([verb, 503, "BACKUP_INACTIVE"]);
    }
  });
});
