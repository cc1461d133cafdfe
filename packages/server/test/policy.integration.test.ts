// Issue 21: the pool policy over real HTTP, on SQLite and PostgreSQL, with appliances registered
// through the API: administered by admin.policy.* (viewers read, administrators preview and change, bad
// input changes nothing), and applied by every grant path (reservations, priorities, pauses).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterInputs } from "../src/root.ts";
import { type ConsoleClient, setUpAdmin, signedInViewer } from "./kit/console-client.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { policyGroup as group } from "./kit/policy.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  settle,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

type TDefinition = RouterInputs["admin"]["policy"]["save"];

describe.each(providers())("the pool policy on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let viewer: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "policy");
    server = await startTestServer(db.url);
    admin = await setUpAdmin(server);
    viewer = await signedInViewer(server, admin);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const save = (definition: TDefinition) => admin.trpc.admin.policy.save.mutate(definition);
  const request = (token: string, sessions: number, requestId: string) =>
    server.api(token).appliance.request.mutate({ sessions, requestId });
  const store = () => server.running.services.store;

  it("has none at first; refuses a viewer's change, bad input and reservations beyond the pool, writing nothing", async () => {
    expect(await viewer.trpc.admin.policy.get.query()).toEqual({
      version: null,
      savedBy: null,
      savedAt: null,
      definition: { groups: [], poolPaused: false, caps: {} },
    });
    const valid: TDefinition = { groups: [group("dc", { reserve: 100 })], poolPaused: false, caps: {} };
    expect(await settle(viewer.trpc.admin.policy.save.mutate(valid))).toMatchObject({
      ok: false,
      error: { data: { reason: "ADMIN_ONLY" } },
    });

    const badName = await settle(save({ ...valid, groups: [group("Data Centre")] }));
    expect(badName).toMatchObject({ ok: false, status: 400, error: { data: { reason: "INVALID_INPUT" } } });
    if (!badName.ok) expect(badName.error.message).toContain("groups.0.name");

    const tooMuch = await settle(
      save({ ...valid, groups: [group("dc", { reserve: 300 }), group("lab", { reserve: 300 })] }),
    );
    expect(tooMuch).toMatchObject({ ok: false, status: 400, error: { data: { reason: "RESERVES_EXCEED_POOL" } } });
    if (!tooMuch.ok)
      expect(tooMuch.error.message).toContain("reserve 600 sessions (dc 300, lab 300) but the pool has 500");

    const twice = await settle(
      save({ ...valid, groups: [group("a", { serials: ["X1"] }), group("b", { serials: ["X1"] })] }),
    );
    expect(twice).toMatchObject({ ok: false, error: { data: { reason: "SERIAL_IN_TWO_GROUPS" } } });

    expect(await viewer.trpc.admin.policy.history.query()).toEqual([]);
    expect((await viewer.trpc.admin.policy.get.query()).version).toBeNull();
  });

  it("keeps a group's reservation against a flood of requests from the other groups, and hands it to the group", async () => {
    const dc = await registerOk(server, "DC1");
    const branches = await Promise.all(
      Array.from({ length: 10 }, (_, i) => registerOk(server, `BR${i}`, { hostname: `br${i}.branch.example.net` })),
    );
    const definition: TDefinition = {
      groups: [
        group("dc", { reserve: 200, serials: ["DC1"] }),
        group("branches", { patterns: ["*.branch.example.net"] }),
      ],
      poolPaused: false,
      caps: {},
    };
    expect(await settle(viewer.trpc.admin.policy.preview.mutate(definition))).toMatchObject({
      ok: false,
      error: { data: { reason: "ADMIN_ONLY" } },
    });
    const preview = await admin.trpc.admin.policy.preview.mutate(definition);
    expect(preview.groups.map((g) => [g.name, g.members, g.held, g.unmet])).toEqual([
      ["dc", 1, 0, 200],
      ["branches", 10, 0, 0],
      ["default", 0, 0, 0],
    ]);
    expect(preview.groups[1]!.memberSerials).toEqual(Array.from({ length: 10 }, (_, i) => `BR${i}`));
    expect((await viewer.trpc.admin.policy.get.query()).version).toBeNull(); // a preview saves nothing

    expect(await save(definition)).toMatchObject({ version: 1, served: 0 });
    const answers = await Promise.all(
      branches.flatMap((token, i) => [request(token, 100, `b${i}-1`), request(token, 100, `b${i}-2`)]),
    );
    expect(answers.reduce((sum, a) => sum + a.added, 0)).toBe(300);
    expect(await request(dc, 200, "dc-1")).toMatchObject({ granted: 200, added: 200, pending: 0 });
    await expectLedgerBalanced(store());

    const [audit] = (await admin.trpc.admin.audit.list.query({ filter: { types: ["admin.policy"] } })).rows;
    expect(audit).toMatchObject({ actor: "admin:root" });
    expect(JSON.parse(audit!.detail!)).toMatchObject({
      version: 1,
      restores: null,
      changes: [
        { group: "dc", change: "added" },
        { group: "branches", change: "added" },
      ],
    });
  });

  it("serves pending demand by priority when sessions come back, and a pause until it is lifted", async () => {
    // The branches' unserved asks are withdrawn; a default-group appliance fills the pool again.
    for (let i = 0; i < 10; i++) await admin.trpc.admin.participants.forceRelease.mutate({ serial: `BR${i}` });
    const fill = await registerOk(server, "FILL");
    expect(await request(fill, 300, "fill-1")).toMatchObject({ granted: 300 });
    const low = await registerOk(server, "LOW1");
    const high = await registerOk(server, "HIGH1");
    const definition: TDefinition = {
      groups: [
        group("dc", { reserve: 200, serials: ["DC1"] }),
        group("branches", { patterns: ["*.branch.example.net"] }),
        group("urgent", { priority: 10, serials: ["HIGH1"] }),
      ],
      poolPaused: false,
      caps: {},
    };
    expect(await save(definition)).toMatchObject({ version: 2, served: 0 });
    expect(await request(low, 100, "low-1")).toMatchObject({ added: 0, pending: 100 });
    expect(await request(high, 100, "high-1")).toMatchObject({ added: 0, pending: 100 });
    expect((await store().readServer())!.policyHeld).toEqual({ dc: 200, branches: 0, urgent: 0 });

    // 100 sessions come back: the later but higher-priority ask is served first.
    await server.api(fill).appliance.release.mutate({ sessions: 100 });
    expect(await server.api(high).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({ granted: 100, pending: 0 });
    expect(await server.api(low).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({ granted: 0, pending: 100 });

    // The pool paused: a release frees sessions, nobody takes them; lifting the pause serves at once.
    expect(await save({ ...definition, poolPaused: true })).toMatchObject({ version: 3, served: 0 });
    await server.api(fill).appliance.release.mutate({ sessions: 50 });
    expect(await server.api(low).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({ granted: 0, pending: 100 });
    expect(await request(high, 50, "high-2")).toMatchObject({ added: 0, pending: 50 });
    await expectLedgerBalanced(store());
    const lifted = await admin.trpc.admin.policy.rollback.mutate({ version: 2 });
    expect(lifted).toMatchObject({ version: 4, served: 50 });
    expect(lifted.groups.find((g) => g.name === "urgent")).toMatchObject({ served: 50, held: 150, pending: 0 });
    expect(lifted.groups.find((g) => g.name === "default")).toMatchObject({ served: 0, pending: 100 });

    const history = await viewer.trpc.admin.policy.history.query();
    expect(history.map((v) => [v.version, v.restores, v.definition.poolPaused])).toEqual([
      [4, 2, false],
      [3, null, true],
      [2, null, false],
      [1, null, false],
    ]);
    expect(await viewer.trpc.admin.policy.get.query()).toMatchObject({ version: 4, savedBy: "admin:root", definition });
    expect(await settle(admin.trpc.admin.policy.rollback.mutate({ version: 99 }))).toMatchObject({
      ok: false,
      status: 404,
    });
    await expectLedgerBalanced(store());
  });

  it("decides membership when an appliance registers again under another hostname, moving its grant", async () => {
    const fill = await registerOk(server, "FILL");
    await server.api(fill).appliance.release.mutate({ sessions: 150 }); // LOW1 takes 100 of them
    const mover = await registerOk(server, "MOVER", { hostname: "mover.branch.example.net" });
    expect(await request(mover, 50, "m-1")).toMatchObject({ granted: 50 });
    expect((await store().readServer())!.policyHeld).toEqual({ dc: 200, branches: 50, urgent: 150 });
    await registerOk(server, "MOVER", { hostname: "mover.example.net" });
    expect((await store().readServer())!.policyHeld).toEqual({ dc: 200, branches: 0, urgent: 150 });
    await expectLedgerBalanced(store());
  });

  it("refuses a pool size below the reservations, with the figures", async () => {
    const dc = await registerOk(server, "DC1");
    await server.api(dc).appliance.release.mutate({ sessions: 150 });
    // Granted now: DC1 50, HIGH1 150, LOW1 100, MOVER 50 = 350; reserved 200.
    const refused = await settle(admin.trpc.admin.settings.setPoolSize.mutate({ poolSize: 100 }));
    expect(refused).toMatchObject({ ok: false, status: 400, error: { data: { reason: "POOL_BELOW_GRANTED" } } });
    await admin.trpc.admin.policy.save.mutate({
      groups: [group("dc", { reserve: 400, serials: ["DC1"] })],
      poolPaused: false,
      caps: {},
    });
    const below = await settle(admin.trpc.admin.settings.setPoolSize.mutate({ poolSize: 380 }));
    expect(below).toMatchObject({ ok: false, status: 400, error: { data: { reason: "POOL_BELOW_RESERVED" } } });
    if (!below.ok) expect(below.error.message).toContain("below the 400 sessions the policy's groups reserve");
    await expectLedgerBalanced(store());
  });
});
