// Issue 10, findings 3, 4, 5, 8 (the typed name) and 9, over real HTTP against the real server.
// The server trusts 127.0.0.1 as a reverse proxy (SLS_TRUST_PROXY), so each call names its
// client address in X-Forwarded-For, as a load balancer would.
// The floods send from loopback addresses 127.0.0.x as separate hosts (their own source address,
// not a header), since Linux routes all of 127/8 to the loopback interface.
// Raw HTTP on purpose: each call sets its own forwarded address, batches and body framing.
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_POLICY, FailureLimiter, type RateLimitPolicy } from "../src/auth/rate-limit.ts";
import { scryptSlots } from "../src/auth/hash-slots.ts";
import { SecretChecker } from "../src/auth/secret.ts";
import { LOGIN_POLICY } from "../src/services/admin/auth.ts";
import { ADMIN_PASSWORD, setUpAdmin } from "./kit/console-client.ts";
import {
  freshDatabase,
  registration,
  SECRET,
  startTestServer,
  waitFor,
  type FreshDatabase,
  type TestServer,
} from "./kit/test-server.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";

interface Answer {
  status: number;
  body: {
    result?: { data: unknown };
    error?: { message: string; data: { code: string; reason: string; retryAfterMs?: number } };
  };
}

/** A POST to /api/trpc/<path> from `address` (through the trusted proxy), as the console or an appliance sends it. */
async function post(
  server: TestServer,
  path: string,
  input: unknown,
  address: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-sls-console": "1",
      "x-forwarded-for": `203.0.113.250, ${address}`,
      ...headers,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

/**
 * A POST to /api/trpc/<path> over a connection of its own from the loopback address `from`
 * (a separate host to the server), with how long the answer took.
 */
function postFrom(server: TestServer, path: string, input: unknown, from: string): Promise<Answer & { ms: number }> {
  const { hostname, port } = new URL(server.baseUrl);
  const body = JSON.stringify(input);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: `/api/trpc/${path}`,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-sls-console": "1",
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Answer["body"],
            ms: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * `perAddress` attempts from each of `addresses`, taken in turns (each address's next attempt
 * after every other address's) by `concurrency` connections at once. A call refused as OVERLOADED
 * (every hashing slot busy) was not checked: it is sent again once its `retryAfterMs` has passed,
 * as a client would. Returns how many answers of each reason came back.
 */
async function flood(
  addresses: string[],
  perAddress: number,
  concurrency: number,
  send: (from: string, i: number) => Promise<Answer>,
): Promise<Record<string, number>> {
  const queue = Array.from({ length: perAddress }, (_, i) => addresses.map((from) => ({ from, i }))).flat();
  const reasons: Record<string, number> = {};
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      let answer = await send(next.from, next.i);
      while (reasonOf(answer) === "OVERLOADED") {
        await new Promise((resolve) => setTimeout(resolve, answer.body.error!.data.retryAfterMs));
        answer = await send(next.from, next.i);
      }
      reasons[reasonOf(answer)] = (reasons[reasonOf(answer)] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return reasons;
}

const loopback = (first: number, count: number) => Array.from({ length: count }, (_, i) => `127.0.0.${first + i}`);

const reasonOf = (answer: Answer) => answer.body.error?.data.reason ?? "OK";
const signIn = (server: TestServer, name: string, password: string, address: string) =>
  post(server, "auth.login", { name, password }, address);
const register = (server: TestServer, serial: string, secret: string, address: string) =>
  post(server, "appliance.register", registration(serial, { secret }), address);

/** Sends `head` and the first bytes of a body on a raw socket and returns what comes back first. */
function rawExchange(server: TestServer, head: string, body: string, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; received so far: ${received}`));
    }, timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      if (/\r\n\r\n[\s\S]*(\}|\r\n0\r\n\r\n)$/.test(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on("error", () => {}); // the server may close while we still write
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** The JSON body of a raw HTTP/1.1 answer, with or without chunked transfer coding. */
function jsonOf(raw: string): Answer["body"] {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  let body = rest.join("\r\n\r\n");
  if (/transfer-encoding: chunked/i.test(head)) body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, "");
  return JSON.parse(body.trim()) as Answer["body"];
}

async function failedSignIns(server: TestServer) {
  const { rows } = await server.running.services.store.auditQueries.page({ types: ["admin.login-failed"] }, 0, 1000);
  return rows;
}

describe("request limits, guessing and lock-outs", () => {
  let db: FreshDatabase;
  let server: TestServer;
  const services = () => server.running.services;
  /** A fresh limiter per test, with short delays so the suite stays quick. */
  const limit = (
    which: "secretFailures" | "loginFailures",
    base: RateLimitPolicy,
    overrides: Partial<RateLimitPolicy> = {},
  ) => {
    services()[which] = new FailureLimiter({ ...base, delayStepMs: 5, maxDelayMs: 20, ...overrides }, services().now);
  };

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "limits_security");
    server = await startTestServer(db.url, { SLS_TRUST_PROXY: "127.0.0.1" });
    await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  beforeEach(() => {
    limit("secretFailures", DEFAULT_SECRET_POLICY);
    limit("loginFailures", LOGIN_POLICY);
  });

  describe("finding 3: the generic handler's limits", () => {
    it("refuses a batch of sign-ins before checking any password", async () => {
      const before = (await failedSignIns(server)).length;
      const response = await fetch(`${server.baseUrl}/api/trpc/auth.login,auth.login,auth.login?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-sls-console": "1" },
        body: JSON.stringify({
          0: { name: "root", password: "guess one" },
          1: { name: "root", password: "guess two" },
          2: { name: "root", password: "guess three" },
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { data: { code: "BAD_REQUEST", httpStatus: 400 } } });
      expect((await failedSignIns(server)).length).toBe(before);
    });

    it("refuses a body declared larger than 64 KiB before reading it", async () => {
      const head =
        "POST /api/trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        "x-sls-console: 1\r\nContent-Length: 52428800\r\n\r\n";
      const raw = await rawExchange(server, head, `{"name":"root","password":"${"x".repeat(1000)}`);
      expect(raw).toMatch(/^HTTP\/1\.1 413 /);
      expect(jsonOf(raw)).toMatchObject({
        error: { data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, path: "auth.login" } },
      });
    });

    it("cuts off a body without a declared length at 64 KiB", async () => {
      const head =
        "POST /api/trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-sls-console: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
      const chunk = "x".repeat(16 * 1024);
      const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("");
      const raw = await rawExchange(server, head, `${chunks}0\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1\.1 413 /);
      expect(jsonOf(raw)).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE" } } });
    });

    it("runs only a few password checks at once and refuses the rest quickly with OVERLOADED", async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => signIn(server, `nobody-${i}`, "a wrong password", `198.18.0.${i + 1}`)),
      );
      const reasons = answers.map(reasonOf);
      expect(
        reasons.every((reason) => reason === "BAD_CREDENTIALS" || reason === "OVERLOADED"),
        reasons.join(),
      ).toBe(true);
      const overloaded = answers.filter((answer) => reasonOf(answer) === "OVERLOADED");
      expect(overloaded.length).toBeGreaterThan(0);
      for (const answer of overloaded) {
        expect(answer.status).toBe(429);
        expect(answer.body.error?.data.retryAfterMs).toBeGreaterThan(0);
      }
      // The refused attempts were not counted as failures: the administrator still signs in.
      expect(reasonOf(await signIn(server, "root", ADMIN_PASSWORD, "198.18.0.200"))).toBe("OK");
    });
  });

  describe("finding 4: guessing the shared secret", () => {
    it("counts a burst of wrong secrets before checking them, and says when to retry", async () => {
      // The real delays: a delayed attempt holds its reserved failure, as a slow check would.
      limit("secretFailures", DEFAULT_SECRET_POLICY, {
        delayStepMs: DEFAULT_SECRET_POLICY.delayStepMs,
        maxDelayMs: DEFAULT_SECRET_POLICY.maxDelayMs,
      });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => register(server, `BURST${i}`, `wrong-secret-${i}`, "198.51.100.7")),
      );
      const reasons = answers.map(reasonOf);
      // Checked and found wrong: at most the limit. The rest never reached scrypt: refused for the
      // address, or (a check that could not start) OVERLOADED, which is not counted as a guess.
      expect(reasons.filter((reason) => reason === "BAD_SECRET").length).toBeLessThanOrEqual(
        DEFAULT_SECRET_POLICY.refuseAfter,
      );
      expect(reasons.filter((reason) => !["BAD_SECRET", "RATE_LIMITED", "OVERLOADED"].includes(reason))).toEqual([]);
      // How many of the burst were refused rather than found wrong or OVERLOADED depends on how
      // fast the checks run beside the arrivals; what holds on any machine is the bound above.
      // Wrong secrets one after the other reach the address's limit, and the refusal says when to retry.
      let limited = answers.find((answer) => reasonOf(answer) === "RATE_LIMITED");
      for (let i = 0; i <= DEFAULT_SECRET_POLICY.refuseAfter && !limited; i++) {
        const answer = await register(server, "BURSTMORE", "wrong-secret", "198.51.100.7");
        if (reasonOf(answer) === "RATE_LIMITED") limited = answer;
      }
      expect(limited).toMatchObject({ status: 429, body: { error: { data: { code: "TOO_MANY_REQUESTS" } } } });
      expect(limited!.body.error!.data.retryAfterMs).toBeGreaterThan(0);
      // Once the address is refused, it is refused with the right secret too: refusals reveal nothing.
      expect(reasonOf(await register(server, "BURSTOK", SECRET, "198.51.100.7"))).toBe("RATE_LIMITED");
    });

    it("limits an IPv6 /128 like an IPv4 address, and its /64 as a whole by a larger budget", async () => {
      // Was: the /64 counted as one address, so one unit's wrong secrets refused its whole LAN.
      limit("secretFailures", DEFAULT_SECRET_POLICY, { networkRefuseAfter: 15 });
      for (let i = 1; i <= 10; i++)
        expect(reasonOf(await register(server, `V6N${i}`, "wrong-secret", "2001:db8:1:2::1"))).toBe("BAD_SECRET");
      expect(reasonOf(await register(server, "V6OK", SECRET, "2001:db8:1:2::1"))).toBe("RATE_LIMITED");
      // Another /128 of the same /64 still registers, and may still fail on its own.
      expect(reasonOf(await register(server, "V6OK", SECRET, "2001:db8:1:2::2"))).toBe("OK");
      for (let i = 1; i <= 5; i++)
        expect(reasonOf(await register(server, `V6M${i}`, "wrong-secret", `2001:db8:1:2::${100 + i}`))).toBe(
          "BAD_SECRET",
        );
      // The /64's budget (15) is spent: every /128 in it is refused, whatever it sends.
      const refused = await register(server, "V6OK", SECRET, "2001:db8:1:2::3");
      expect(reasonOf(refused)).toBe("RATE_LIMITED");
      expect(refused.body.error!.message).toContain("its /64");
      expect(reasonOf(await register(server, "V6OTHER", SECRET, "2001:db8:1:3::1"))).toBe("OK");
    });

    it("1,000 wrong secrets from 50 addresses, then the right secret from a new address is accepted at once", async () => {
      // Was: a global budget of wrong secrets (300 a minute) that, once spent, refused every
      // address that had not registered lately, the right secret included (measured: 57 s).
      // The default policy's budgets, with delays of at most 1 s (the default's 2 s would only
      // make the flood slower); the fixed test clock keeps every failure inside the window. The
      // secret is not remembered, as after a restart.
      const holdMs = 1_000;
      limit("secretFailures", DEFAULT_SECRET_POLICY, { delayStepMs: 100, maxDelayMs: holdMs });
      services().secrets = new SecretChecker();
      const reasons = await flood(loopback(10, 50), 20, 16, (from, i) =>
        postFrom(
          server,
          "appliance.register",
          registration(`FLOOD${i}`, { secret: `wrong-secret-${from}-${i}` }),
          from,
        ),
      );
      expect(reasons).toEqual({ BAD_SECRET: 500, RATE_LIMITED: 500 });
      expect(reasons.BAD_SECRET).toBeGreaterThan(DEFAULT_SECRET_POLICY.globalPerMinute!);

      const [right, wrong] = await Promise.all([
        postFrom(server, "appliance.register", registration("AFTERFLOOD"), "127.0.0.200"),
        postFrom(server, "appliance.register", registration("AFTERWRONG", { secret: "wrong-secret" }), "127.0.0.201"),
      ]);
      expect(reasonOf(right)).toBe("OK");
      expect(reasonOf(wrong)).toBe("BAD_SECRET");
      // Under that pressure a wrong answer is held for the longest delay; the right one is not held at all.
      // Sent together, both take the same checking time whatever the machine's load; only the
      // wrong one's adds the hold (a right one held too would come within a few ms of it).
      expect(wrong.ms).toBeGreaterThanOrEqual(holdMs);
      expect(right.ms).toBeLessThan(wrong.ms - holdMs / 2);
    }, 180_000);
  });

  describe("the hashing slots under a flood", () => {
    it("keep one slot from addresses that failed lately, so the right secret from a clean address gets checked", async () => {
      // Was: guessers that kept all four slots busy had every other check, the right one
      // included, answered OVERLOADED. The secret is not remembered, as after a restart.
      services().secrets = new SecretChecker();
      const guessers = Array.from({ length: 20 }, (_, i) => `192.0.2.${30 + i}`);
      for (const address of guessers)
        expect(reasonOf(await register(server, "SLOTS", "wrong-secret", address))).toBe("BAD_SECRET");
      // Each guesser keeps sending until its own limit refuses it or the right secret has its answer.
      let answered = false;
      const reasons: string[] = [];
      const flood = guessers.map(async (address, g) => {
        for (let i = 0; !answered; i++) {
          const reason = reasonOf(await register(server, `SLOTS${g}`, `wrong-secret-${g}-${i}`, address));
          reasons.push(reason);
          if (reason === "RATE_LIMITED") return;
        }
      });
      await waitFor(() => scryptSlots.inUse >= scryptSlots.suspectLimit, { what: "the guessers to fill their slots" });
      const right = await register(server, "SLOTSOK", SECRET, "192.0.2.99");
      answered = true;
      await Promise.all(flood);
      expect(reasonOf(right)).toBe("OK");
      // The guessers did meet full slots: they held no more than their share, never the last one.
      expect(reasons).toContain("OVERLOADED");
      expect(scryptSlots.suspectLimit).toBeLessThan(scryptSlots.size);
    });
  });

  describe("finding 5: lock-outs", () => {
    it("refuses an address that keeps failing, and only slows the account it tried", async () => {
      limit("loginFailures", LOGIN_POLICY, { refuseAfter: 4 });
      for (let i = 0; i < 4; i++)
        expect(reasonOf(await signIn(server, "root", `guess ${i}`, "192.0.2.66"))).toBe("BAD_CREDENTIALS");
      const refused = await signIn(server, "root", ADMIN_PASSWORD, "192.0.2.66");
      expect(refused).toMatchObject({ status: 429, body: { error: { data: { reason: "LOGIN_RATE_LIMITED" } } } });
      expect(refused.body.error!.data.retryAfterMs).toBeGreaterThan(0);
      expect(reasonOf(await signIn(server, "root", ADMIN_PASSWORD, "192.0.2.77"))).toBe("OK");
    });

    it("32 wrong passwords for an account from 8 addresses, then its right password from a new address is accepted at once", async () => {
      // Was: 30 failed sign-ins a minute from all addresses refused every address that had not
      // signed in lately, and the account name's failures delayed even the right password.
      limit("loginFailures", LOGIN_POLICY, { delayStepMs: 100, maxDelayMs: 2_000 });
      const reasons = await flood(loopback(70, 8), 4, 6, (from, i) =>
        postFrom(server, "auth.login", { name: "root", password: `wrong password ${from} ${i}` }, from),
      );
      expect(reasons).toEqual({ BAD_CREDENTIALS: 32 });
      expect(reasons.BAD_CREDENTIALS).toBeGreaterThan(LOGIN_POLICY.globalPerMinute!);

      const [right, wrong] = await Promise.all([
        postFrom(server, "auth.login", { name: "root", password: ADMIN_PASSWORD }, "127.0.0.210"),
        postFrom(server, "auth.login", { name: "root", password: "one more wrong one" }, "127.0.0.211"),
      ]);
      expect(reasonOf(right)).toBe("OK");
      expect(reasonOf(wrong)).toBe("BAD_CREDENTIALS");
      // As above: the same checking time for both, the hold on the wrong one only.
      expect(wrong.ms).toBeGreaterThanOrEqual(2_000);
      expect(right.ms).toBeLessThan(wrong.ms - 1_000);
    }, 120_000);

    it("does not read X-Forwarded-For from a connection that is not a trusted proxy", async () => {
      const direct = await startTestServer(db.url);
      try {
        const limiter = direct.running.services.secretFailures;
        direct.running.services.secretFailures = new FailureLimiter(
          { ...DEFAULT_SECRET_POLICY, delayStepMs: 5, maxDelayMs: 20 },
          direct.running.services.now,
        );
        for (let i = 1; i <= 10; i++) await register(direct, `SPOOF${i}`, "wrong-secret", `192.0.2.${i}`);
        expect(reasonOf(await register(direct, "SPOOF11", "wrong-secret", "192.0.2.11"))).toBe("RATE_LIMITED");
        direct.running.services.secretFailures = limiter;
      } finally {
        await direct.close();
      }
    });
  });

  describe("finding 8: a failed sign-in's typed name", () => {
    it("is recorded when it names an account, and never when it does not", async () => {
      const lines: string[] = [];
      const log = services().log;
      services().log = { ...log, warn: (message, context) => lines.push(JSON.stringify({ message, ...context })) };
      try {
        await signIn(server, "root", "not the password", "192.0.2.150");
        await signIn(server, "hunter2-typed-into-name", "not the password", "192.0.2.151");
      } finally {
        services().log = log;
      }
      const rows = await failedSignIns(server);
      const details = rows.slice(0, 2).map((row) => row.detail ?? "");
      expect(details.some((detail) => detail.includes('"root"'))).toBe(true);
      expect(rows.every((row) => !(row.detail ?? "").includes("hunter2"))).toBe(true);
      expect(lines.join("\n")).not.toContain("hunter2");
      expect(lines.some((line) => line.includes('"name":"root"'))).toBe(true);
    });
  });

  describe("finding 9: transfer", () => {
    it("is refused when only one unit names the other, and moves nothing", async () => {
      const address = "192.0.2.200";
      const holder = await register(server, "PAIRHOLD", SECRET, address);
      const holderToken = (holder.body.result!.data as { token: string }).token;
      await post(server, "appliance.request", { sessions: 100, requestId: "pair-1" }, address, {
        authorization: `Bearer ${holderToken}`,
      });
      const taker = await post(
        server,
        "appliance.register",
        registration("PAIRTAKE", { haPeerSerial: "PAIRHOLD" }),
        address,
      );
      const takerToken = (taker.body.result!.data as { token: string }).token;
      const refused = await post(server, "appliance.transfer", { fromSerial: "PAIRHOLD" }, address, {
        authorization: `Bearer ${takerToken}`,
      });
      expect(refused).toMatchObject({
        status: 403,
        body: { error: { data: { code: "FORBIDDEN", reason: "NOT_HA_PEER" } } },
      });
      const held = await post(server, "appliance.refresh", { inUse: 0 }, address, {
        authorization: `Bearer ${holderToken}`,
      });
      expect(held.body.result?.data).toMatchObject({ granted: 100 });
      await expectLedgerBalanced(server.running.services.store);
    });
  });
});
