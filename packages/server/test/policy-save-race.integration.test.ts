// A policy save decides membership from a snapshot read without the pool lock, then catches up
// under the lock with what changed since. Appliances register, move to another hostname and draw
// sessions while saves run: afterwards every participant's stored group and cap are exactly what
// the policy in force decides for it, and the groups' held counters and the ledger agree.
import { groupOf } from "@sls/allocator";
import { addSilentParticipants } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterInputs } from "../src/root.ts";
import { type ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { policyGroup as group } from "./kit/policy.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";

type TDefinition = RouterInputs["admin"]["policy"]["save"];

/** Enough rows that deciding membership takes a while, so calls land between snapshot and lock. */
const SILENT = 20_000;
const APPLIANCES = 40;

const labsFirst: TDefinition = {
  groups: [
    group("lab", { reserve: 100, patterns: ["*.lab.example.net"] }),
    group("moved", { max: 1_000, patterns: ["*.moved.example.net"] }),
    group("quiet", { patterns: ["silent*7.bench.example.net", "SILENT00001??"] }),
  ],
  poolPaused: false,
  caps: { A1: 50, NEW3: 0 },
};
const movedFirst: TDefinition = {
  groups: [
    group("moved", { reserve: 150, patterns: ["*.moved.example.net", "NEW*"] }),
    group("lab", { patterns: ["*.lab.example.net"] }),
  ],
  poolPaused: false,
  caps: { A2: 100 },
};

describe.each(providers())("a policy saved while appliances call, on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "policy-race");
    server = await startTestServer(db.url, { SLS_POOL_SIZE: "100000" });
    admin = await setUpAdmin(server);
    await registerOk(server, "TEMPLATE");
    await addSilentParticipants(server.running.services.store, SILENT);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** Registers, moves and draws sessions until `until` settles, then a few times more. */
  async function churn(until: Promise<unknown>, round: number): Promise<number> {
    let done = false;
    void until.finally(() => {
      done = true;
    });
    let calls = 0;
    const worker = async (w: number) => {
      for (let k = 0; !done || k < 3; k++) {
        const i = (w + k * 4) % APPLIANCES;
        const moved = (k + round) % 2 === 1;
        const token = await registerOk(server, `A${i}`, {
          hostname: `a${i}.${moved ? "moved" : "lab"}.example.net`,
          platformLimit: 1_000,
        });
        await server.api(token).appliance.request.mutate({ sessions: 50, requestId: `r${round}-${w}-${k}` });
        const fresh = await registerOk(server, `NEW${round}${w}${k}`, { hostname: `n${w}${k}.lab.example.net` });
        await server.api(fresh).appliance.request.mutate({ sessions: 50, requestId: `n${round}-${w}-${k}` });
        calls += 4;
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    return calls;
  }

  async function expectMembershipOf(definition: TDefinition): Promise<void> {
    const store = server.running.services.store;
    const wrong = (await store.listParticipants()).flatMap((p) => {
      const name = groupOf(definition, { serial: p.serial, hostname: p.hostname });
      const expected = { policyGroup: name === "default" ? null : name, maxGranted: definition.caps[p.serial] ?? null };
      const stored = { policyGroup: p.policyGroup, maxGranted: p.maxGranted };
      return expected.policyGroup === stored.policyGroup && expected.maxGranted === stored.maxGranted
        ? []
        : [`${p.serial} (${p.hostname}): stored ${JSON.stringify(stored)}, decided ${JSON.stringify(expected)}`];
    });
    expect(wrong).toEqual([]);
    await expectLedgerBalanced(store);
  }

  it("leaves every participant in the group the policy in force decides, with the held counters right", async () => {
    for (const [round, definition] of [labsFirst, movedFirst, labsFirst].entries()) {
      const saved = admin.trpc.admin.policy.save.mutate(definition);
      const [, calls] = await Promise.all([saved, churn(saved, round)]);
      expect(calls).toBeGreaterThan(0);
      await expectMembershipOf(definition);
    }
    // Saved again with nothing moving: the figures count every participant once.
    const again = await admin.trpc.admin.policy.save.mutate(labsFirst);
    const participants = await server.running.services.store.listParticipants();
    expect(again.groups.reduce((sum, g) => sum + g.members, 0)).toBe(participants.length);
    const held = participants.filter((p) => p.policyGroup === "lab").reduce((sum, p) => sum + p.granted, 0);
    expect(again.groups.find((g) => g.name === "lab")).toMatchObject({ held, served: 0 });
  }, 180_000);
});
