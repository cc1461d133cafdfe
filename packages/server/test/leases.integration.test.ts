import { applianceClient } from "./kit/clients.ts";
import { Store } from "@sls/db";
import { afterEach, describe, expect, it } from "vitest";
import {
  freshDatabase,
  providers,
  registration,
  SECRET,
  type FreshDatabase,
  settle,
  waitFor,
} from "./kit/test-server.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";

const INTERVAL_SEC = 10;

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});

async function server(env: Record<string, string>): Promise<ServerProcess> {
  const started = await startServerProcess(env);
  cleanup.push(() => started.stop());
  return started;
}

async function database(provider: "sqlite" | "postgresql", label: string): Promise<FreshDatabase> {
  const db = await freshDatabase(provider, label);
  cleanup.push(() => db.drop());
  return db;
}

async function registered(baseUrl: string, serial: string): Promise<string> {
  return (await applianceClient(baseUrl).appliance.register.mutate(registration(serial, { localLimit: 0 }))).token;
}

/** A server on `url` with a 10 s refresh interval whose sweep runs every 200 ms. */
function sweepingEvery200Ms(url: string, serverId: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    SLS_POOL_SIZE: "1000",
    SLS_SHARED_SECRET: SECRET,
    SLS_REFRESH_INTERVAL_SEC: String(INTERVAL_SEC),
    SLS_SWEEP_INTERVAL_MS: "200",
    SLS_SERVER_ID: serverId,
  };
}

describe("leases renewed in memory and written behind", () => {
  it("reclaims nobody for a renewal that died with the process (kill -9): silence counts from its last heartbeat", async () => {
    const db = await database("sqlite", "lease-crash");
    const env = sweepingEvery200Ms(db.url, "lease-crash");
    // No write-behind (and no sweep, which writes first) before the kill: every renewal below
    // exists only in memory.
    const first = await server({ ...env, SLS_LEASE_FLUSH_MS: "600000", SLS_SWEEP_INTERVAL_MS: "600000" });
    const serials = ["LEASE01", "LEASE02", "LEASE03"];
    const tokens = await Promise.all(serials.map((serial) => registered(first.baseUrl, serial)));
    for (const [i, token] of tokens.entries())
      await applianceClient(first.baseUrl, { token: token }).appliance.request.mutate({
        sessions: 100,
        requestId: `r${i}`,
      });

    // As stored, they were last seen 20 s ago: 10 s short of silence (3 × 10 s).
    const store = Store.open(db.url);
    cleanup.push(() => store.close());
    const storedAt = Date.now() - 20_000;
    for (const serial of serials) {
      const row = (await store.findParticipantBySerial(serial))!;
      await store.updateParticipant(row.id, { lastSeenAt: new Date(storedAt) });
    }
    // They refresh now; the process acknowledges and dies before writing the renewals.
    for (const token of tokens)
      expect(
        await applianceClient(first.baseUrl, { token: token }).appliance.refresh.mutate({ inUse: 5 }),
      ).toMatchObject({ granted: 100 });
    const renewedAt = Date.now();
    await first.crash();
    for (const serial of serials)
      expect((await store.findParticipantBySerial(serial))!.lastSeenAt.getTime()).toBe(storedAt);

    const second = await server(env);
    expect(second.output()).toContain("did not stop cleanly");
    // Past the stored lease's silence (storedAt + 30 s), well within the renewals' (renewedAt + 30 s).
    const pastStoredSilence = storedAt + 3 * INTERVAL_SEC * 1000 + 2_000;
    await waitFor(async () => Date.now() > pastStoredSilence, {
      what: "the stored leases to look silent",
      timeoutMs: 40_000,
    });
    expect(Date.now()).toBeLessThan(renewedAt + 3 * INTERVAL_SEC * 1000);
    const sweeps = await store.ledger();
    expect(sweeps.grantedSum).toBe(300);
    for (const serial of serials) expect((await store.findParticipantBySerial(serial))!.granted).toBe(100);
    for (const token of tokens)
      expect(
        await applianceClient(second.baseUrl, { token: token }).appliance.refresh.mutate({ inUse: 5 }),
      ).toMatchObject({ granted: 100 });
  }, 90_000);

  it("reclaims nobody for the time no server ran: a clean stop longer than 3 intervals keeps every grant", async () => {
    const db = await database("sqlite", "lease-downtime");
    const env = sweepingEvery200Ms(db.url, "lease-downtime");
    const first = await server(env);
    const serials = ["DOWN01", "DOWN02", "DOWN03"];
    const tokens = await Promise.all(serials.map((serial) => registered(first.baseUrl, serial)));
    for (const [i, token] of tokens.entries())
      await applianceClient(first.baseUrl, { token }).appliance.request.mutate({ sessions: 100, requestId: `d${i}` });
    await first.stop();

    // As if the server had been down for a minute (twice the 30 s of silence that reclaims): the
    // appliances last reached it then, and since then nobody could.
    const store = Store.open(db.url);
    cleanup.push(() => store.close());
    const lastReached = new Date(Date.now() - 60_000);
    for (const serial of serials)
      await store.updateParticipant((await store.findParticipantBySerial(serial))!.id, { lastSeenAt: lastReached });

    const second = await server(env);
    expect(second.output()).not.toContain("did not stop cleanly");
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // ten sweeps
    expect((await store.ledger()).grantedSum).toBe(300);
    for (const token of tokens)
      expect(await applianceClient(second.baseUrl, { token }).appliance.refresh.mutate({ inUse: 5 })).toMatchObject({
        granted: 100,
      });
  }, 60_000);

  it.skipIf(!providers().includes("postgresql"))(
    "shows a grant committed by another process in a refresh answer within 1 s, and refuses a superseded token",
    async () => {
      const db = await database("postgresql", "lease-feed");
      const env = { DATABASE_URL: db.url, SLS_POOL_SIZE: "1000", SLS_SHARED_SECRET: SECRET };
      const a = await server({ ...env, SLS_SERVER_ID: "feed-a" });
      const b = await server({ ...env, SLS_SERVER_ID: "feed-b" });
      const token = await registered(a.baseUrl, "FEED01");
      expect(await applianceClient(b.baseUrl, { token: token }).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({
        granted: 0,
      });

      const bounds: number[] = [];
      for (let round = 1; round <= 5; round++) {
        const granted = round * 50;
        const answer = await applianceClient(a.baseUrl, { token: token }).appliance.request.mutate({
          sessions: 50,
          requestId: `feed-${round}`,
        });
        expect(answer.granted).toBe(granted);
        const committedAt = performance.now();
        await waitFor(
          async () =>
            (await applianceClient(b.baseUrl, { token: token }).appliance.refresh.mutate({ inUse: 0 })).granted ===
            granted,
          { what: `process b to report ${granted}`, timeoutMs: 5_000 },
        );
        bounds.push(performance.now() - committedAt);
      }
      console.info(
        `grant committed on process a, seen in refresh answers of process b after ${bounds.map((ms) => Math.round(ms)).join(", ")} ms`,
      );
      expect(Math.max(...bounds)).toBeLessThan(1_000);

      // Registering again on a supersedes the token everywhere: b refuses it within the same bound.
      const replaced = await registered(a.baseUrl, "FEED01");
      const supersededAt = performance.now();
      await waitFor(
        async () => {
          const result = await settle(applianceClient(b.baseUrl, { token }).appliance.refresh.mutate({ inUse: 0 }));
          return !result.ok && result.error.data.reason === "BAD_TOKEN";
        },
        { what: "process b to refuse the old token", timeoutMs: 5_000 },
      );
      expect(performance.now() - supersededAt).toBeLessThan(1_000);
      expect(
        await applianceClient(b.baseUrl, { token: replaced }).appliance.refresh.mutate({ inUse: 0 }),
      ).toMatchObject({ granted: 250 });
      // A grant-changing call checks the token under the lock, so it is refused at once everywhere.
      const stale = await settle(applianceClient(b.baseUrl, { token }).appliance.release.mutate({ sessions: 0 }));
      expect(stale.ok).toBe(false);
    },
    60_000,
  );
});
