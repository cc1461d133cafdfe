// Raw HTTP on purpose: these tests pin the wire format of refusals (status, code, reason, message)
// that appliances parse, so no tRPC client stands between the test and the bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  registerOk,
  registration,
  startTestServer,
  type FreshDatabase,
  type TestServer,
} from "./kit/test-server.ts";
import { postTrpc } from "./kit/raw-http.ts";

type Refusal = { status: number; code: string; reason: string };

async function expectRefused(
  server: TestServer,
  verb: string,
  input: unknown,
  token: string | undefined,
  want: Refusal,
  messageLike?: RegExp,
) {
  const before = await snapshot(server);
  const result = await postTrpc(server.baseUrl, `appliance.${verb}`, input, token);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect({ status: result.status, code: result.error.data.code, reason: result.error.data.reason }).toEqual(want);
  expect(result.error.message.length).toBeGreaterThan(10);
  if (messageLike) expect(result.error.message).toMatch(messageLike);
  expect(await snapshot(server)).toEqual(before);
}

/** Everything a refused call must leave untouched. */
async function snapshot(server: TestServer) {
  const store = server.running.services.store;
  const participants = await store.listParticipants();
  const row = await store.readServer();
  return {
    pool: row && { granted: row.grantedTotal, pending: row.pendingTotal, poolSize: row.poolSize },
    participants: participants.map((p) => ({
      serial: p.serial,
      granted: p.granted,
      pending: p.pending,
      hostname: p.hostname,
    })),
    ledger: await store.ledger(),
  };
}

const INVALID = { status: 400, code: "BAD_REQUEST", reason: "INVALID_INPUT" };

describe.each(providers())("refusals on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    db = await freshDatabase(provider, "errors");
    server = await startTestServer(db.url);
    token = await registerOk(server, "ERR0001", { platformLimit: 1000, localLimit: 100 });
    await postTrpc(server.baseUrl, "appliance.request", { sessions: 100, requestId: "base" }, token);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("BAD_SECRET for a wrong secret", async () => {
    await expectRefused(
      server,
      "register",
      registration("ERR0002", { secret: "wrong-secret" }),
      undefined,
      {
        status: 401,
        code: "UNAUTHORIZED",
        reason: "BAD_SECRET",
      },
      /secret/,
    );
  });

  it.each([
    ["sessions 70", { sessions: 70, requestId: "m1" }],
    ["sessions 0", { sessions: 0, requestId: "m2" }],
    ["sessions -50", { sessions: -50, requestId: "m3" }],
    ["sessions 75.5", { sessions: 75.5, requestId: "m4" }],
  ])("NOT_A_MULTIPLE_OF_50 for %s", async (_label, input) => {
    await expectRefused(
      server,
      "request",
      input,
      token,
      { status: 400, code: "BAD_REQUEST", reason: "NOT_A_MULTIPLE_OF_50" },
      /50/,
    );
  });

  it("RELEASE_EXCEEDS_GRANT when releasing more than granted", async () => {
    await expectRefused(
      server,
      "release",
      { sessions: 101 },
      token,
      { status: 400, code: "BAD_REQUEST", reason: "RELEASE_EXCEEDS_GRANT" },
      /100/,
    );
  });

  it("NOT_HA_PEER when the serials are not a failover pair", async () => {
    await registerOk(server, "ERR0003");
    await expectRefused(server, "transfer", { fromSerial: "ERR0003" }, token, {
      status: 403,
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });
    await expectRefused(server, "transfer", { fromSerial: "NOPE0000" }, token, {
      status: 403,
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });
  });

  it.each([
    ["no token", undefined],
    ["unknown token", "slt_not-a-real-token"],
  ])("BAD_TOKEN with %s", async (_label, bad) => {
    for (const [verb, input] of [
      ["request", { sessions: 50, requestId: "t" }],
      ["refresh", { inUse: 0 }],
      ["release", { sessions: 0 }],
      ["transfer", { fromSerial: "ERR0003" }],
    ] as const) {
      await expectRefused(
        server,
        verb,
        input,
        bad,
        { status: 401, code: "UNAUTHORIZED", reason: "BAD_TOKEN" },
        /register/,
      );
    }
  });

  it.each([
    ["serial with a space", registration("BAD SERIAL"), /serial/],
    ["serial of 65 characters", registration("S".repeat(65)), /serial/],
    ["empty hostname", registration("ERR0004", { hostname: "" }), /hostname/],
    ["hostname of 254 characters", registration("ERR0004", { hostname: "h".repeat(254) }), /hostname/],
    ["model of 65 characters", registration("ERR0004", { model: "m".repeat(65) }), /model/],
    ["platformLimit 0", registration("ERR0004", { platformLimit: 0 }), /platformLimit/],
    ["platformLimit above 1,000,000", registration("ERR0004", { platformLimit: 1_000_001 }), /platformLimit/],
    ["localLimit above platformLimit", registration("ERR0004", { platformLimit: 100, localLimit: 101 }), /localLimit/],
    ["fractional localLimit", registration("ERR0004", { localLimit: 1.5 }), /localLimit/],
    ["missing secret", { ...registration("ERR0004"), secret: undefined }, /secret/],
  ])("INVALID_INPUT for register with %s", async (_label, input, field) => {
    await expectRefused(server, "register", input, undefined, INVALID, field);
  });

  it.each([
    ["request without requestId", "request", { sessions: 50 }, /requestId/],
    ["request with a 65-character requestId", "request", { sessions: 50, requestId: "r".repeat(65) }, /requestId/],
    ["request with sessions as a string", "request", { sessions: "50", requestId: "s" }, /sessions/],
    ["refresh with negative inUse", "refresh", { inUse: -1 }, /inUse/],
    ["refresh with inUse above the platform limit", "refresh", { inUse: 1001 }, /inUse/],
    ["release with negative sessions", "release", { sessions: -50 }, /sessions/],
    ["transfer with a malformed serial", "transfer", { fromSerial: "a b" }, /fromSerial/],
  ])("INVALID_INPUT for %s", async (_label, verb, input, field) => {
    await expectRefused(server, verb, input, token, INVALID, field);
  });

  it("answers a body that is not JSON with a parse error", async () => {
    const response = await fetch(`${server.baseUrl}/api/trpc/appliance.register`, {
      method: "POST",
      body: "{not json",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { reason: string } } };
    expect(body.error.data.reason).toBe("PARSE_ERROR");
  });

  it("AWAITING_APPROVAL records an unknown serial when approval is required", async () => {
    await server.running.services.store.inPoolTransaction((tx) => tx.writeSettings({ approvalRequired: true }));
    const result = await postTrpc(server.baseUrl, "appliance.register", registration("ERR0005"));
    expect(result).toMatchObject({
      ok: false,
      status: 403,
      error: { data: { code: "FORBIDDEN", reason: "AWAITING_APPROVAL" } },
    });
    const recorded = await server.running.services.store.findParticipantBySerial("ERR0005");
    expect(recorded).toMatchObject({ approved: false, granted: 0 });
    // Known, approved serials still register.
    await registerOk(server, "ERR0001");
    await server.running.services.store.inPoolTransaction((tx) => tx.writeSettings({ approvalRequired: false }));
  });

  it("SERVER_NOT_CONFIGURED when the server is disabled", async () => {
    await server.running.services.store.inPoolTransaction((tx) => tx.writeSettings({ enabled: false }));
    await expectRefused(server, "register", registration("ERR0006"), undefined, {
      status: 412,
      code: "PRECONDITION_FAILED",
      reason: "SERVER_NOT_CONFIGURED",
    });
    await server.running.services.store.inPoolTransaction((tx) => tx.writeSettings({ enabled: true }));
  });

  it("RATE_LIMITED after repeated wrong secrets from one address", async () => {
    const reasons: string[] = [];
    for (let i = 0; i < 12; i++) {
      const result = await postTrpc(
        server.baseUrl,
        "appliance.register",
        registration("ERR0007", { secret: `wrong-${i}` }),
      );
      if (!result.ok) reasons.push(result.error.data.reason);
    }
    expect(reasons.slice(0, 2)).toEqual(["BAD_SECRET", "BAD_SECRET"]);
    expect(reasons.at(-1)).toBe("RATE_LIMITED");
    const refused = await postTrpc(server.baseUrl, "appliance.register", registration("ERR0007"));
    expect(refused).toMatchObject({
      ok: false,
      status: 429,
      error: { data: { code: "TOO_MANY_REQUESTS", reason: "RATE_LIMITED" } },
    });
  }, 120_000);
});

describe("a server with no secret", () => {
  it("answers SERVER_NOT_CONFIGURED", async () => {
    const db = await freshDatabase("sqlite", "nosecret");
    const server = await startTestServer(db.url, { SLS_SHARED_SECRET: "" });
    try {
      const result = await postTrpc(server.baseUrl, "appliance.register", registration("NOSEC01"));
      expect(result).toMatchObject({
        ok: false,
        status: 412,
        error: { data: { code: "PRECONDITION_FAILED", reason: "SERVER_NOT_CONFIGURED" } },
      });
    } finally {
      await server.close();
    }
  });
});
