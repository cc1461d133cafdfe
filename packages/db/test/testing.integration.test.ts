import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/migrate.ts";
import { Store } from "../src/store/store.ts";
import {
  addSilentParticipants,
  auditEvents,
  insertParticipants,
  participantRecords,
  rowCounts,
  setLastSeen,
  unfinishLastMigration,
} from "../src/testing.ts";
import { freshDatabase } from "./kit/databases.ts";

const AT = new Date("2026-01-05T10:00:00.000Z");

const seed = (i: number) => ({
  id: `ptc_${i}`,
  serial: `SEED${i}`,
  hostname: `seed${i}.example.net`,
  model: "ASA5555-X",
  platformLimit: 1000,
  localLimit: 0,
  approved: true,
  tokenHash: `hash${i}`,
  registeredAt: AT,
  lastSeenAt: AT,
});

describe.each(["sqlite", "postgresql"] as const)("@sls/db/testing on %s", (provider) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it("seeds, ages, counts and reads back participants and audit rows without the Prisma client", async (context) => {
    const fresh = await freshDatabase(provider, "testing");
    if (!fresh) return context.skip();
    drops.push(fresh.drop);
    await applyMigrations(fresh.url, () => {});
    const store = Store.open(fresh.url, { poolMax: 2 });
    drops.unshift(() => store.close());
    await store.seedServer({ poolSize: 100, refreshIntervalSec: 30, secretHash: null, at: AT });

    await insertParticipants(store, [seed(1), { ...seed(2), granted: 50 }]);
    await addSilentParticipants(store, 3);
    const records = await participantRecords(store);
    expect(records.map((r) => [r.id, r.serial, r.granted])).toEqual([
      ["ptc_1", "SEED1", 0],
      ["ptc_2", "SEED2", 50],
      ["ptc_silent0", "SILENT0000000", 0],
      ["ptc_silent1", "SILENT0000001", 0],
      ["ptc_silent2", "SILENT0000002", 0],
    ]);
    const silentHashes = records.slice(2).map((r) => r.tokenHash);
    expect(new Set(silentHashes).size).toBe(3);
    for (const hash of silentHashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);

    const before = new Date(AT.getTime() - 3_600_000);
    expect(await setLastSeen(store, before, ["SEED1"])).toBe(1);
    expect((await store.findParticipantBySerial("SEED1"))?.lastSeenAt).toEqual(before);
    expect((await store.findParticipantBySerial("SEED2"))?.lastSeenAt).toEqual(AT);

    await store.inPoolTransaction((pool) =>
      pool.audit([
        { at: before, type: "register", actor: "appliance:SEED1", serial: "SEED1" },
        { at: AT, type: "request", actor: "appliance:SEED2", serial: "SEED2", grantedDelta: 50 },
      ]),
    );
    expect((await auditEvents(store)).map((r) => r.type)).toEqual(["register", "request"]);
    expect(await auditEvents(store, { serials: ["SEED2"] })).toMatchObject([{ type: "request", grantedDelta: 50 }]);
    expect(await auditEvents(store, { types: ["register"], before: AT })).toMatchObject([{ serial: "SEED1" }]);
    expect(await rowCounts(store, ["participant", "auditEvent", "adminAccount"])).toEqual({
      participant: 5,
      auditEvent: 2,
      adminAccount: 0,
    });
  });

  it("marks the last migration unfinished and restores it", async (context) => {
    const fresh = await freshDatabase(provider, "testing");
    if (!fresh) return context.skip();
    drops.push(fresh.drop);
    await applyMigrations(fresh.url, () => {});
    const store = Store.open(fresh.url, { poolMax: 2 });
    drops.unshift(() => store.close());
    expect(await store.operations.missingMigrations()).toEqual([]);
    const { name, restore } = await unfinishLastMigration(store);
    expect(await store.operations.missingMigrations()).toEqual([name]);
    await restore();
    expect(await store.operations.missingMigrations()).toEqual([]);
  });
});
