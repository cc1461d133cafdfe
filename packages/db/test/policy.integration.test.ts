// Issue 21: the pool policy's persistence. A saved version is put in force on the Server row with
// its groups' held counters, read back by the next pool transaction (on PostgreSQL through the
// lock's own round trip), and never changes; participants carry their group and cap.
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/migrate.ts";
import { addSilentParticipants, sampleParticipant } from "../src/testing.ts";
import { Store } from "../src/store/store.ts";
import { freshDatabase } from "./kit/databases.ts";

const AT = new Date("2026-01-05T10:00:00.000Z");

describe.each(["sqlite", "postgresql"] as const)("the pool policy on %s", (provider) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  async function freshStore(): Promise<Store | null> {
    const fresh = await freshDatabase(provider, "policy");
    if (!fresh) return null;
    drops.push(fresh.drop);
    await applyMigrations(fresh.url, () => {});
    const store = Store.open(fresh.url, { poolMax: 4 });
    drops.unshift(() => store.close());
    await store.seedServer({ poolSize: 500, refreshIntervalSec: 30, secretHash: null, at: AT });
    return store;
  }

  it("has none until one is saved, then the version in force with its counters, and every version in history", async (context) => {
    const store = await freshStore();
    if (!store) return context.skip();
    const before = await store.inPoolTransaction(async (tx) => ({ ...tx.server }));
    expect(before.policyVersion).toBeNull();
    expect(before.policyHeld).toBeNull();

    const first = await store.inPoolTransaction(async (tx) => {
      await tx.createParticipant({ ...sampleParticipant("ptc_a", AT), policyGroup: "dc", maxGranted: 200 });
      return tx.savePolicyVersion(
        { definition: '{"v":1}', savedBy: "admin:ada", savedAt: AT, restores: null },
        { dc: 0 },
      );
    });
    expect(first.version).toBe(1);
    await store.inPoolTransaction(async (tx) => {
      expect(tx.server.policyVersion).toBe(1);
      expect(tx.server.policyHeld).toEqual({ dc: 0 });
      const p = await tx.findParticipantById("ptc_a");
      expect(p).toMatchObject({ policyGroup: "dc", maxGranted: 200 });
      await tx.updateParticipant("ptc_a", { policyGroup: null, maxGranted: null });
      // Both in one flush (on PostgreSQL one statement): neither update of the Server row may be lost.
      tx.writePolicyHeld({ dc: 50 });
      await tx.writePool({ poolSize: 500, grantedTotal: 50, pendingTotal: 0, pendingSeq: 0 });
    });
    expect(await store.readServer()).toMatchObject({ grantedTotal: 50, policyHeld: { dc: 50 } });
    const second = await store.inPoolTransaction((tx) =>
      tx.savePolicyVersion(
        { definition: '{"v":2}', savedBy: "admin:bob", savedAt: AT, restores: 1 },
        { dc: 50, lab: 0 },
      ),
    );
    expect(second.version).toBe(2);
    await store.inPoolTransaction(async (tx) => {
      expect(tx.server).toMatchObject({ policyVersion: 2, policyHeld: { dc: 50, lab: 0 } });
      expect(await tx.findParticipantById("ptc_a")).toMatchObject({ policyGroup: null, maxGranted: null });
      expect((await tx.policyVersion(1))?.definition).toBe('{"v":1}');
    });
    expect((await store.policyHistory()).map((v) => [v.version, v.savedBy, v.restores])).toEqual([
      [2, "admin:bob", 1],
      [1, "admin:ada", null],
    ]);
    expect((await store.policyInForce())?.definition).toBe('{"v":2}');
    expect(await store.readServer()).toMatchObject({ policyVersion: 2, policyHeld: { dc: 50, lab: 0 } });
  });

  it("loads the waiting participants of the groups named only, oldest ask first, with this transaction's own changes", async (context) => {
    const store = await freshStore();
    if (!store) return context.skip();
    const waiting: Array<[string, string | null]> = [
      ["ptc_dc2", "dc"],
      ["ptc_dc1", "dc"],
      ["ptc_lab", "lab"],
      ["ptc_default", null],
    ];
    await store.inPoolTransaction(async (tx) => {
      for (const [id, group] of [...waiting, ["ptc_idle", "dc"] as const])
        await tx.createParticipant({ ...sampleParticipant(id, AT), policyGroup: group });
      const seqs: Record<string, number> = { ptc_dc1: 1, ptc_dc2: 2, ptc_lab: 3, ptc_default: 4 };
      await tx.writeAllocations(waiting.map(([id]) => ({ id, granted: 0, pending: 50, pendingSeq: seqs[id]! })));
    });
    await store.inPoolTransaction(async (tx) => {
      const ids = async (groups: string[]) => (await tx.pendingQueueOf(groups)).map((p) => p.id);
      expect(await ids(["dc"])).toEqual(["ptc_dc1", "ptc_dc2"]);
      expect(await ids(["ops"])).toEqual([]);
      // Changed in this transaction: a participant that stopped waiting, and one that moved into the group.
      await tx.writeAllocations([{ id: "ptc_dc1", granted: 50, pending: 0, pendingSeq: null }]);
      await tx.updateParticipant("ptc_lab", { policyGroup: "dc" });
      expect(await ids(["dc"])).toEqual(["ptc_dc2", "ptc_lab"]);
      expect(await ids(["dc", "lab"])).toEqual(["ptc_dc2", "ptc_lab"]);
      expect((await tx.pendingQueue()).map((p) => p.id)).toEqual(["ptc_dc2", "ptc_lab", "ptc_default"]);
    });
  });

  it("writes the memberships of 20,000 participants in one transaction, read back by pages and counted per group", async (context) => {
    const store = await freshStore();
    if (!store) return context.skip();
    await store.inPoolTransaction((tx) => tx.createParticipant(sampleParticipant("ptc_template", AT)));
    await addSilentParticipants(store, 20_000);
    const ids: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = await store.membershipPage(after, 5_000);
      ids.push(...page.map((row) => row.id));
      if (page.length < 5_000) break;
      after = page[page.length - 1]!.id;
    }
    expect(new Set(ids).size).toBe(20_001);
    const seq = await store.changeSequence();
    const totals = await store.inPoolTransaction(async (tx) => {
      await tx.writeMemberships(
        ids.map((id, i) => ({ id, policyGroup: i % 2 === 1 ? "dc" : null, maxGranted: i % 2 === 1 ? 100 : null })),
      );
      return tx.groupTotals();
    });
    expect(totals.sort((a, b) => String(a.policyGroup).localeCompare(String(b.policyGroup)))).toEqual([
      { policyGroup: "dc", members: 10_000, granted: 0, pending: 0 },
      { policyGroup: null, members: 10_001, granted: 0, pending: 0 },
    ]);
    const rows = await store.membershipPage(null, 30_000);
    expect(rows.filter((row) => row.policyGroup === "dc" && row.maxGranted === 100)).toHaveLength(10_000);
    // Stamped with the change sequence: a later save's catch-up sees every one of them.
    const changed = await store.inPoolTransaction((tx) => tx.participantsChangedSince(seq));
    expect(changed.filter((row) => row.policyGroup === "dc")).toHaveLength(10_000);
  }, 60_000);

  it("forgets a version whose transaction rolled back, so the next save takes its number", async (context) => {
    const store = await freshStore();
    if (!store) return context.skip();
    await expect(
      store.inPoolTransaction(async (tx) => {
        await tx.savePolicyVersion({ definition: '{"lost":true}', savedBy: "a", savedAt: AT, restores: null }, {});
        expect(await tx.policyVersion(1)).not.toBeNull();
        throw new Error("refused after the save");
      }),
    ).rejects.toThrow("refused after the save");
    await store.inPoolTransaction((tx) =>
      tx.savePolicyVersion({ definition: '{"kept":true}', savedBy: "a", savedAt: AT, restores: null }, {}),
    );
    await store.inPoolTransaction(async (tx) => {
      expect((await tx.policyVersion(1))?.definition).toBe('{"kept":true}');
    });
  });
});
