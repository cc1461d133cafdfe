// A process listens before its leases are loaded: meanwhile every appliance call is refused with
// SERVICE_UNAVAILABLE / STARTING and retryAfterMs, /api/ready answers 503 saying it is starting,
// /api/health answers 200; once loaded the same calls succeed and nothing is lost. The load is held
// by a gate on the lease repository (the test's hook), so the window is the test's to close.
import type { AddressInfo } from "node:net";
import { LeaseRepository, Store } from "@sls/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootServices, type Booting } from "../src/boot.ts";
import { loadEnv } from "../src/env.ts";
import { createAppServer } from "../src/http/app-server.ts";
import { createLogger } from "../src/logger.ts";
import { STARTING_RETRY_AFTER_MS } from "../src/services/startup.ts";
import { expectLedgerBalanced, removeTemporaryFolder, temporaryFolder } from "./kit/index.ts";
import { postTrpc } from "./kit/raw-http.ts";
import {
  freshDatabase,
  registerOk,
  registration,
  SECRET,
  startTestServer,
  TestClock,
  type FreshDatabase,
} from "./kit/test-server.ts";

/** Holds `recentLeases` (the start-up load) until `open` is called. */
function gateTheLoad(): { open(): void; restore(): void } {
  const original = LeaseRepository.prototype.recentLeases;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  LeaseRepository.prototype.recentLeases = async function* (this: LeaseRepository, ...args) {
    await gate;
    yield* original.apply(this, args);
  };
  return {
    open,
    restore: () => {
      LeaseRepository.prototype.recentLeases = original;
    },
  };
}

describe("a starting server (SQLite)", () => {
  let db: FreshDatabase;
  const clock = new TestClock();
  let dataDir: string;
  let tokens: string[];
  let booting: Booting;
  let baseUrl: string;
  let close: () => Promise<void>;
  let gate: ReturnType<typeof gateTheLoad>;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "startup");
    // A first run registers three participants and grants one of them 100 sessions, then stops cleanly.
    const first = await startTestServer(db.url, {}, clock);
    tokens = [];
    for (const serial of ["START1", "START2", "START3"]) tokens.push(await registerOk(first, serial));
    await first.api(tokens[0]).appliance.request.mutate({ sessions: 100, requestId: "before" });
    await first.close();
    gate = gateTheLoad();
    dataDir = temporaryFolder("startup");

    // The second run, in this process: booted and listening, its leases held at the gate.
    const env = loadEnv({
      DATABASE_URL: db.url,
      SLS_SWEEP_INTERVAL_MS: "3600000",
      SLS_LOG_LEVEL: "error",
      SLS_DATA_DIR: dataDir,
    });
    booting = await bootServices(env, createLogger(env.SLS_LOG_LEVEL), clock.now);
    const server = createAppServer(booting.services);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await new Promise((resolve) => server.close(resolve));
      await booting.stop();
    };
  });

  afterAll(async () => {
    gate?.open();
    gate?.restore();
    await close?.();
    await db?.drop();
    if (dataDir) removeTemporaryFolder(dataDir);
  });

  const starting = {
    code: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    reason: "STARTING",
    retryAfterMs: STARTING_RETRY_AFTER_MS,
  };

  it("refuses every appliance call with STARTING and retryAfterMs while its leases load", async () => {
    const calls = [
      postTrpc(baseUrl, "appliance.refresh", { inUse: 10 }, tokens[0]),
      postTrpc(baseUrl, "appliance.request", { sessions: 50, requestId: "during" }, tokens[1]),
      postTrpc(baseUrl, "appliance.release", { sessions: 50 }, tokens[0]),
      postTrpc(baseUrl, "appliance.register", registration("START4")),
      postTrpc(baseUrl, "appliance.transfer", { fromSerial: "START2" }, tokens[2]),
    ];
    for (const answer of await Promise.all(calls)) {
      expect(answer).toMatchObject({ ok: false, status: 503, error: { data: starting } });
    }
  });

  it("is live, and not ready, saying that it is starting", async () => {
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/api/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      checks: { startup: { ok: false, detail: "starting: the leases are loading" } },
    });
  });

  it("serves the same calls once loaded, and nothing was lost", async () => {
    gate.open();
    await booting.leasesLoaded;
    expect(booting.services.leases.table.size).toBe(3);
    expect((await fetch(`${baseUrl}/api/ready`)).status).toBe(200);

    const refresh = await postTrpc(baseUrl, "appliance.refresh", { inUse: 10 }, tokens[0]);
    expect(refresh).toMatchObject({ ok: true, data: { granted: 100, pending: 0 } });
    // Refused while starting, so nothing was done: the same requestId now grants, and only once.
    const request = { sessions: 50, requestId: "during" };
    const granted = await postTrpc(baseUrl, "appliance.request", request, tokens[1]);
    expect(granted).toMatchObject({ ok: true, data: { granted: 50, added: 50 } });
    expect(await postTrpc(baseUrl, "appliance.request", request, tokens[1])).toEqual(granted);
    expect(await postTrpc(baseUrl, "appliance.register", { ...registration("START4"), secret: SECRET })).toMatchObject({
      ok: true,
      data: { role: "participant", granted: 0 },
    });
    const ledger = await expectLedgerBalanced(db.url);
    expect(ledger.grantedSum).toBe(150);
  });
});

describe("the leases a starting server loads (SQLite)", () => {
  let db: FreshDatabase;

  afterAll(async () => {
    await db?.drop();
  });

  it("keeps only participants seen within 15 minutes; an older one is read on its first call and keeps its grant", async () => {
    db = await freshDatabase("sqlite", "startup-recent");
    const clock = new TestClock();
    const first = await startTestServer(db.url, {}, clock);
    const oldToken = await registerOk(first, "OLD1");
    await registerOk(first, "NEW1");
    await first.api(oldToken).appliance.request.mutate({ sessions: 100, requestId: "old" });
    await first.close();
    const store = Store.open(db.url);
    try {
      const old = await store.findParticipantBySerial("OLD1");
      await store.updateParticipant(old!.id, { lastSeenAt: new Date(clock.now() - 20 * 60_000) });
    } finally {
      await store.close();
    }

    const second = await startTestServer(db.url, {}, clock);
    try {
      expect(second.running.services.leases.table.size).toBe(1);
      // Silent for 20 minutes, but the pool was not served in between (a clean stop): not reclaimed.
      expect(await second.api(oldToken).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({ granted: 100 });
      expect(second.running.services.leases.table.size).toBe(2);
    } finally {
      await second.close();
    }
  });
});
