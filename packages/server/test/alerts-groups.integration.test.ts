// Issue 21: under a pool policy the pending-unmet alert is judged per group (real engine, real
// database, on SQLite and PostgreSQL): named, raised once per episode, cleared when served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertTick } from "../src/alerts/engine.ts";
import { policyGroup as group } from "./kit/policy.ts";
import { type ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

describe.each(providers())("the pending-unmet alert per pool-policy group on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "alerts_groups");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
    await admin.trpc.admin.alerts.setConfig.mutate({
      pendingAfterMinutes: 1,
      webhook: null,
      syslog: null,
      email: null,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const pendingAlerts = async () =>
    (await admin.trpc.admin.alerts.list.query()).filter((a) => a.kind === "pending-unmet").map((a) => a.message);

  it("names each group whose demand waits N minutes, once, in place of the pool-wide alert, and again after it was served", async () => {
    const { services } = server.running;
    const api = (token: string) => server.api(token).appliance;
    const tokens = {
      fill: await registerOk(server, "FILL"),
      dc: await registerOk(server, "DC1"),
      br1: await registerOk(server, "BR1"),
      br2: await registerOk(server, "BR2"),
    };
    const refreshAll = async () => {
      for (const token of Object.values(tokens)) await api(token).refresh.mutate({ inUse: 0 });
    };
    await admin.trpc.admin.policy.save.mutate({
      groups: [group("dc", { max: 100, serials: ["DC1"] }), group("branches", { serials: ["BR1", "BR2"] })],
      poolPaused: false,
      caps: {},
    });
    expect(await api(tokens.fill).request.mutate({ sessions: 300, requestId: "f" })).toMatchObject({ granted: 300 });
    // dc waits on its max, the branches on the pool.
    expect(await api(tokens.dc).request.mutate({ sessions: 150, requestId: "d" })).toMatchObject({
      granted: 100,
      pending: 50,
    });
    expect(await api(tokens.br1).request.mutate({ sessions: 200, requestId: "b1" })).toMatchObject({
      granted: 100,
      pending: 100,
    });
    await alertTick(services);
    server.clock.advance(61);
    await refreshAll();
    await alertTick(services);
    expect((await pendingAlerts()).sort()).toEqual([
      "Group branches: 100 sessions of pending demand have been left unmet for 1 minutes (alert after 1); the group holds 100.",
      "Group dc: 50 sessions of pending demand have been left unmet for 1 minutes (alert after 1); the group holds 100 of its max 100.",
    ]);
    await alertTick(services);
    expect(await pendingAlerts()).toHaveLength(2);

    // Served: the branches' episode ends (dc's goes on, unrepeated); new demand is a new episode.
    await api(tokens.fill).release.mutate({ sessions: 100 });
    await alertTick(services);
    expect(await api(tokens.br2).request.mutate({ sessions: 50, requestId: "b2" })).toMatchObject({ pending: 50 });
    await alertTick(services);
    server.clock.advance(61);
    await refreshAll();
    await alertTick(services);
    const messages = await pendingAlerts();
    expect(messages).toHaveLength(3);
    expect(messages[0]).toBe(
      "Group branches: 50 sessions of pending demand have been left unmet for 1 minutes (alert after 1); the group holds 200.",
    );
  });

  it("judges the participants in no group as the group default, never pool-wide while a policy is in force", async () => {
    const { services } = server.running;
    // Every participant falls to default: dc's 50 and the branches' 50 pending are now its demand.
    await admin.trpc.admin.policy.save.mutate({ groups: [], poolPaused: false, caps: {} });
    await alertTick(services);
    server.clock.advance(61);
    await alertTick(services);
    const messages = await pendingAlerts();
    expect(messages[0]).toBe(
      "Group default: 100 sessions of pending demand have been left unmet for 1 minutes (alert after 1); the group holds 500.",
    );
    expect(messages.every((m) => m.startsWith("Group "))).toBe(true);
  });
});
