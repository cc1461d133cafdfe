// Issue 21: the pool policy under load and across processes. A group's max and a participant's cap
// hold under 1,000 concurrent requests from one group (SQLite and PostgreSQL), and a policy saved
// on one server process is applied by another on the same PostgreSQL database at its next call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterInputs } from "../src/root.ts";
import { applianceClient } from "./kit/clients.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { type ServerProcess, startServerProcess } from "./kit/processes.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  registration,
  SECRET,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

type TDefinition = RouterInputs["admin"]["policy"]["save"];

const MEMBERS = 50;
const REQUESTS_EACH = 20; // 1,000 concurrent requests
const GROUP_MAX = 1_000;
const CAPPED = "LAB00";
const CAP = 100;

describe.each(providers())("a group's max and a participant's cap under a flood on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "policy_flood");
    server = await startTestServer(db.url, { SLS_POOL_SIZE: "5000" });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it(`holds under ${MEMBERS * REQUESTS_EACH} concurrent requests from one group`, async () => {
    const serial = (i: number) => `LAB${String(i).padStart(2, "0")}`;
    // Half registered before the policy (its save assigns them), half after (their registration does).
    const early = await Promise.all(Array.from({ length: MEMBERS / 2 }, (_, i) => registerOk(server, serial(i))));
    const admin = await setUpAdmin(server);
    const definition: TDefinition = {
      groups: [
        {
          name: "lab",
          reserve: 0,
          max: GROUP_MAX,
          priority: 0,
          paused: false,
          serials: [],
          patterns: ["lab*"],
        },
      ],
      poolPaused: false,
      caps: { [CAPPED]: CAP },
    };
    await admin.trpc.admin.policy.save.mutate(definition);
    const late = await Promise.all(
      Array.from({ length: MEMBERS / 2 }, (_, i) => registerOk(server, serial(MEMBERS / 2 + i))),
    );
    const tokens = [...early, ...late];

    const answers = await Promise.all(
      tokens.flatMap((token, i) =>
        Array.from({ length: REQUESTS_EACH }, (_, n) =>
          server.api(token).appliance.request.mutate({ sessions: 50, requestId: `flood-${i}-${n}` }),
        ),
      ),
    );
    expect(answers.reduce((sum, a) => sum + a.added, 0)).toBe(GROUP_MAX);

    const policy = (await server.running.services.store.readServer())!;
    expect(policy.policyHeld).toEqual({ lab: GROUP_MAX });
    expect(policy.grantedTotal).toBe(GROUP_MAX);
    const capped = await admin.trpc.admin.participants.get.query({ serial: CAPPED });
    expect(capped.participant.granted).toBeLessThanOrEqual(CAP);
    // checkInvariants with the policy: held = Σ granted of the members, no member waits with room.
    await expectLedgerBalanced(server.running.services.store);
  });
});

describe.skipIf(!providers().includes("postgresql"))("a policy saved on one server process", () => {
  let db: FreshDatabase;
  let server: TestServer;
  let other: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase("postgresql", "policy_pair");
    server = await startTestServer(db.url); // migrates and seeds; the other process finds it ready
    other = await startServerProcess({ DATABASE_URL: db.url, SLS_POOL_SIZE: "500", SLS_SHARED_SECRET: SECRET });
  });
  afterAll(async () => {
    await other?.stop();
    await server?.close();
    await db?.drop();
  });

  it("is applied by another process on the same database at its next call", async () => {
    const api = applianceClient(other.baseUrl);
    const branch = (await api.appliance.register.mutate(registration("BR1"))).token;
    const dc = (await api.appliance.register.mutate(registration("DC1"))).token;
    const admin = await setUpAdmin(server);
    await admin.trpc.admin.policy.save.mutate({
      groups: [{ name: "dc", reserve: 300, max: null, priority: 0, paused: false, serials: ["DC1"], patterns: [] }],
      poolPaused: false,
      caps: {},
    });
    const onOther = (token: string) => applianceClient(other.baseUrl, { token }).appliance;
    expect(await onOther(branch).request.mutate({ sessions: 500, requestId: "b1" })).toMatchObject({
      granted: 200,
      pending: 300,
    });
    expect(await onOther(dc).request.mutate({ sessions: 300, requestId: "d1" })).toMatchObject({ granted: 300 });

    // A pause saved here stops the other process's grants too, and lifting it serves at once.
    await admin.trpc.admin.policy.save.mutate({
      groups: [{ name: "dc", reserve: 300, max: null, priority: 0, paused: true, serials: ["DC1"], patterns: [] }],
      poolPaused: false,
      caps: {},
    });
    await onOther(dc).release.mutate({ sessions: 100 });
    expect(await onOther(dc).request.mutate({ sessions: 100, requestId: "d2" })).toMatchObject({
      granted: 200,
      pending: 100,
    });
    expect(await onOther(branch).refresh.mutate({ inUse: 0 })).toMatchObject({ granted: 200, pending: 300 });
    const lifted = await admin.trpc.admin.policy.rollback.mutate({ version: 1 });
    expect(lifted.groups.find((g) => g.name === "dc")).toMatchObject({ served: 100, held: 300 });
    await expectLedgerBalanced(server.running.services.store);
  });
});
