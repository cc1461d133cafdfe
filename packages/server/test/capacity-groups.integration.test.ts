// Issue 21: the capacity report and its CSV broken down by pool-policy group, over real HTTP on
// SQLite and PostgreSQL; group figures count only the minutes sampled while a policy is in force.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCapacity } from "../src/services/capacity/report.ts";
import { pruneHistory } from "../src/services/capacity/retention.ts";
import { policyGroup as group } from "./kit/policy.ts";
import { ADMIN_PASSWORD, type ConsoleClient, setUpAdmin, signedInViewer } from "./kit/console-client.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

describe.each(providers())("capacity by pool-policy group on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let viewer: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "capacity_groups");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
    viewer = await signedInViewer(server, admin);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("reports each group's peaks and unmet session-minutes, in the policy's order with default last, and in the CSV", async () => {
    const { services } = server.running;
    const api = (token: string) => server.api(token).appliance;
    const dc = await registerOk(server, "DC1");
    const branch = await registerOk(server, "BR1");
    const lab = await registerOk(server, "LAB1");
    await api(dc).request.mutate({ sessions: 100, requestId: "dc-1" });
    // A minute before any policy: in the totals, in no group.
    expect(await sampleCapacity(services)).toBe(true);

    await admin.trpc.admin.policy.save.mutate({
      groups: [group("dc", { reserve: 150, serials: ["DC1"] }), group("branches", { serials: ["BR1"] })],
      poolPaused: false,
      caps: {},
    });
    expect(await api(branch).request.mutate({ sessions: 300, requestId: "br-1" })).toMatchObject({ granted: 300 });
    // dc's 50 reserved and unused are kept from the default group, which waits for the rest.
    expect(await api(lab).request.mutate({ sessions: 200, requestId: "lab-1" })).toMatchObject({
      granted: 50,
      pending: 150,
    });
    for (let minute = 0; minute < 2; minute++) {
      server.clock.advance(60);
      await api(dc).refresh.mutate({ inUse: 80 });
      await api(branch).refresh.mutate({ inUse: 250 + minute * 10 });
      await api(lab).refresh.mutate({ inUse: 40 });
      await services.leases.writeThrough();
      expect(await sampleCapacity(services)).toBe(true);
    }

    const report = await viewer.trpc.admin.capacity.report.query({ days: 7 });
    expect(report.total).toMatchObject({ minutesSampled: 3, peakGranted: 450, unmetSessionMinutes: 300 });
    expect(report.groups).toEqual([
      { group: "dc", minutesSampled: 2, peakHeld: 100, peakPending: 0, peakInUse: 80, unmetSessionMinutes: 0 },
      { group: "branches", minutesSampled: 2, peakHeld: 300, peakPending: 0, peakInUse: 260, unmetSessionMinutes: 0 },
      { group: "default", minutesSampled: 2, peakHeld: 50, peakPending: 150, peakInUse: 40, unmetSessionMinutes: 300 },
    ]);

    const csv = (await viewer.trpc.admin.capacity.export.query({ days: 7 })).csv.split("\r\n");
    expect(csv).toEqual([
      "serial,peak granted,peak in use,peak in use from pool,unmet session-minutes,times the pool ran dry,pool size needed",
      "BR1,300,260,160,0,,300",
      "LAB1,50,40,0,300,,200",
      "DC1,100,80,0,0,,100",
      "TOTAL,450,380,160,300,0,600",
      "",
      "group,minutes sampled,peak held,peak pending,peak in use,unmet session-minutes",
      "dc,2,100,0,80,0",
      "branches,2,300,0,260,0",
      "default,2,50,150,40,300",
      "",
    ]);
  });

  it("keeps a group that left the policy under its name, and prunes group rows with the rest", async () => {
    await admin.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    await admin.trpc.admin.policy.save.mutate({
      groups: [group("branches", { serials: ["BR1"] })],
      poolPaused: false,
      caps: {},
    });
    const report = await admin.trpc.admin.capacity.report.query({ days: 7 });
    expect(report.groups.map((g) => g.group)).toEqual(["branches", "dc", "default"]);

    server.clock.advance(401 * 86_400);
    await pruneHistory(server.running.services, 400);
    await admin.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    expect((await admin.trpc.admin.capacity.report.query({ days: 90 })).groups).toEqual([]);
  });
});
