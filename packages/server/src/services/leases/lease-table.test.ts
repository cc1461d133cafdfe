import type { LeaseRow } from "@sls/db";
import { describe, expect, it } from "vitest";
import { LeaseTable } from "./lease-table.ts";

const row = (over: Partial<LeaseRow> = {}): LeaseRow => ({
  id: "ptc_1",
  serial: "SER1",
  tokenHash: "hash-a",
  granted: 100,
  pending: 0,
  platformLimit: 1000,
  highWater: 10,
  lastSeenAt: new Date(1_000),
  changeSeq: 5,
  ...over,
});

describe("LeaseTable", () => {
  it("finds a learned lease by its token and keeps newer figures over older news", () => {
    const table = new LeaseTable();
    table.learn(row());
    expect(table.byTokenHash("hash-a")).toMatchObject({ granted: 100, version: 5 });
    table.learn(row({ granted: 50, changeSeq: 4 }));
    expect(table.byTokenHash("hash-a")!.granted).toBe(100);
    table.learn(row({ granted: 150, changeSeq: 7 }));
    expect(table.byTokenHash("hash-a")!.granted).toBe(150);
  });

  it("re-keys a lease whose token was superseded, so the old token no longer finds it", () => {
    const table = new LeaseTable();
    table.learn(row());
    table.applyFeed([row({ tokenHash: "hash-b", changeSeq: 6 })], []);
    expect(table.byTokenHash("hash-a")).toBeUndefined();
    expect(table.byTokenHash("hash-b")!.id).toBe("ptc_1");
  });

  it("ignores feed rows of participants it does not hold, and forgets removed ones", () => {
    const table = new LeaseTable();
    table.learn(row());
    table.applyFeed([row({ id: "ptc_2", serial: "SER2", tokenHash: "hash-2" })], ["ptc_1"]);
    expect(table.size).toBe(0);
    expect(table.byTokenHash("hash-2")).toBeUndefined();
  });

  it("takes each renewal once, counts it persisted once written, and puts it back when the write failed", () => {
    const table = new LeaseTable();
    const lease = table.learn(row());
    table.renew(lease, 20, 5_000);
    table.renew(lease, 30, 6_000);
    const taken = table.takeRenewals();
    expect(taken.map((t) => t.renewal)).toEqual([
      { id: "ptc_1", lastSeenAt: new Date(6_000), inUse: 30, highWater: 30 },
    ]);
    expect(table.takeRenewals()).toEqual([]);
    table.restore(taken);
    const again = table.takeRenewals();
    expect(again).toHaveLength(1);
    table.written(again);
    expect(lease.persistedAt).toBe(6_000);
  });

  it("never moves a lease backwards when older database news arrives", () => {
    const table = new LeaseTable();
    const lease = table.learn(row());
    table.renew(lease, 1, 9_000);
    table.learn(row({ lastSeenAt: new Date(2_000), changeSeq: 8 }));
    expect(lease.lastSeenAt).toBe(9_000);
  });

  it("evicts leases nobody renewed for a while, but never one with an unwritten renewal", () => {
    const table = new LeaseTable();
    const idle = table.learn(row());
    const busy = table.learn(row({ id: "ptc_2", serial: "SER2", tokenHash: "hash-2" }));
    table.renew(busy, 1, 2_000);
    expect(table.evictIdle(2_000 + 60 * 60_000)).toBe(1);
    expect(table.byTokenHash(idle.tokenHash!)).toBeUndefined();
    expect(table.byTokenHash("hash-2")).toBe(busy);
  });
});
