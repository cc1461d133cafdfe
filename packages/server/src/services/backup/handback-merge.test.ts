import type { ParticipantRecord } from "@sls/db";
import { describe, expect, it } from "vitest";
import { REMOTE_TEXT_MAX_CHARS } from "../../http/remote-text.ts";
import { alertDetail, planHandback } from "./handback-merge.ts";
import { participantToWire, type THandbackAnswer } from "./snapshot-wire.ts";

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const EARLIER = new Date(NOW - 60_000);
const FUTURE = new Date(Date.UTC(2100, 0, 1));

function record(serial: string, granted: number, extra: Partial<ParticipantRecord> = {}): ParticipantRecord {
  return {
    id: `ptc_${serial}`,
    serial,
    hostname: `${serial.toLowerCase()}.example.net`,
    model: "ASA5585-X",
    platformLimit: 1000,
    localLimit: 100,
    haPeerSerial: null,
    approved: true,
    tokenHash: `hash-${serial}`,
    granted,
    pending: 0,
    pendingSeq: null,
    inUse: 0,
    highWater: 0,
    registeredAt: EARLIER,
    lastSeenAt: EARLIER,
    reclaimedAt: null,
    policyGroup: null,
    maxGranted: null,
    ...extra,
  };
}

/** The answer of a backup that changed `changed` and holds `untouched` elsewhere. */
function answer(changed: ParticipantRecord[], poolSize: number, extra: Partial<THandbackAnswer> = {}): THandbackAnswer {
  const untouched = extra.untouched ?? { granted: 0, pending: 0 };
  return {
    wasActive: true,
    pool: {
      poolSize,
      grantedTotal: untouched.granted + changed.reduce((sum, p) => sum + p.granted, 0),
      pendingTotal: untouched.pending + changed.reduce((sum, p) => sum + p.pending, 0),
      pendingSeq: Math.max(0, ...changed.map((p) => p.pendingSeq ?? 0)),
    },
    participants: changed.map(participantToWire),
    untouched,
    seen: [],
    alerts: [],
    ...extra,
  };
}

const own = (participants: ParticipantRecord[], poolSize = 500) => ({ poolSize, participants });

describe("planHandback: the backup's answer over the main server's own state", () => {
  it("takes grant, pending and token from the backup, and keeps identity and policy fields", () => {
    const mine = record("A", 100);
    const theirs = record("A", 300, {
      hostname: "evil.example.net",
      model: "X",
      platformLimit: 5000,
      localLimit: 0,
      haPeerSerial: "B",
      approved: false,
      tokenHash: "hash-new",
      inUse: 999,
      highWater: 999,
    });
    const plan = planHandback(own([mine]), answer([theirs], 500), NOW);
    expect(plan.violations).toEqual([]);
    expect(plan.put).toEqual([{ ...mine, granted: 300, tokenHash: "hash-new" }]);
    expect(plan.pool).toEqual({ poolSize: 500, grantedTotal: 300, pendingTotal: 0, pendingSeq: 0 });
    expect(plan.audits).toEqual([expect.objectContaining({ type: "handback", serial: "A", grantedDelta: 200 })]);
  });

  it("checks the merged state against this server's pool size, not the one the backup claims", () => {
    const plan = planHandback(own([record("A", 100)]), answer([record("A", 800)], 1000), NOW);
    expect(plan.violations.join(" ")).toMatch(/after the merge: Σ granted 800 exceeds poolSize 500/);
    expect(plan.put).toEqual([]);
    expect(plan.audits).toEqual([]);
  });

  it("refuses a report that does not add up in itself", () => {
    const plan = planHandback(
      own([record("A", 100)]),
      { ...answer([record("A", 200)], 500), pool: { poolSize: 500, grantedTotal: 50, pendingTotal: 0, pendingSeq: 0 } },
      NOW,
    );
    expect(plan.violations.join(" ")).toMatch(
      /in the backup's own state: pool grantedTotal 50 differs from Σ granted 200/,
    );
  });

  it("checks the merged state: a grant beyond this server's platform limit for the participant is refused", () => {
    const theirs = record("A", 950, { platformLimit: 5000, localLimit: 0 });
    const plan = planHandback(own([record("A", 100)], 2000), answer([theirs], 2000), NOW);
    expect(plan.violations.join(" ")).toMatch(/after the merge: .*exceeds platformLimit 1000/);
  });

  it("checks the merged state: the backup's grants and this server's own for the others must fit the pool", () => {
    // The backup says the others hold nothing; this server's own records say they hold 400.
    const plan = planHandback(
      own([record("A", 100), record("B", 400)]),
      answer([record("A", 300)], 500, { untouched: { granted: 0, pending: 0 } }),
      NOW,
    );
    expect(plan.violations.join(" ")).toMatch(/after the merge: Σ granted 700 exceeds poolSize 500/);
  });

  it("clamps every date the backup sends to now, and renews a lease only forwards", () => {
    const plan = planHandback(
      own([record("A", 100), record("B", 50)]),
      answer([record("A", 100, { lastSeenAt: FUTURE, reclaimedAt: FUTURE, tokenHash: "hash-A2" })], 500, {
        untouched: { granted: 50, pending: 0 },
        seen: [["ptc_B", FUTURE.toISOString()]],
        alerts: [{ at: FUTURE.toISOString(), detail: null }],
      }),
      NOW,
    );
    expect(plan.violations).toEqual([]);
    expect(plan.put).toEqual([
      expect.objectContaining({ serial: "A", lastSeenAt: new Date(NOW), reclaimedAt: new Date(NOW) }),
    ]);
    expect(plan.renewed).toEqual([{ id: "ptc_B", lastSeenAt: new Date(NOW) }]);
    expect(plan.audits.find((a) => a.type === "backup-alert")?.at).toEqual(new Date(NOW));
    const older = planHandback(
      own([record("B", 50, { lastSeenAt: new Date(NOW) })]),
      answer([], 500, { untouched: { granted: 50, pending: 0 }, seen: [["ptc_B", EARLIER.toISOString()]] }),
      NOW,
    );
    expect(older.renewed).toEqual([]);
  });

  it("keeps a participant that registered on the backup, with its grant and as the backup registered it", () => {
    const newcomer = record("NEW", 40, { id: "ptc_new", registeredAt: FUTURE, lastSeenAt: FUTURE });
    const plan = planHandback(
      own([record("A", 100)]),
      answer([newcomer], 500, { untouched: { granted: 100, pending: 0 } }),
      NOW,
    );
    expect(plan.violations).toEqual([]);
    expect(plan.put).toEqual([{ ...newcomer, registeredAt: new Date(NOW), lastSeenAt: new Date(NOW) }]);
    expect(plan.audits).toEqual([
      expect.objectContaining({ serial: "NEW", grantedDelta: 40, detail: { registeredOnBackup: true } }),
    ]);
    expect(plan.pool.grantedTotal).toBe(140);
  });

  it("finds a participant by serial when the backup knows it under another id", () => {
    const plan = planHandback(own([record("A", 100)]), answer([record("A", 200, { id: "ptc_other" })], 500), NOW);
    expect(plan.put).toEqual([expect.objectContaining({ id: "ptc_A", granted: 200 })]);
  });

  it("renumbers colliding FCFS positions and hands idle sessions to the queue instead of refusing", () => {
    // This server released 100 of B's while the backup queued A: the merge leaves 100 idle.
    const plan = planHandback(
      own([record("A", 0), record("B", 300, { pending: 50, pendingSeq: 1 })], 500),
      answer([record("A", 100, { pending: 200, pendingSeq: 1 })], 400, {
        untouched: { granted: 300, pending: 50 },
      }),
      NOW,
    );
    expect(plan.violations).toEqual([]);
    const byId = new Map(plan.put.map((p) => [p.serial, p]));
    // Oldest first, ties by id: A (ptc_A) before B (ptc_B); A takes the 100 idle sessions.
    expect(byId.get("A")).toMatchObject({ granted: 200, pending: 100, pendingSeq: 1 });
    expect(byId.get("B")).toMatchObject({ granted: 300, pending: 50, pendingSeq: 2 });
    expect(plan.pool).toEqual({ poolSize: 500, grantedTotal: 500, pendingTotal: 150, pendingSeq: 2 });
    expect(plan.audits.map((a) => [a.type, a.serial, a.grantedDelta])).toEqual([
      ["handback", "A", 100],
      ["grant-pending", "A", 100],
    ]);
  });
});

describe("alertDetail: a backup's alert as the main server keeps it", () => {
  it("keeps a known operating-limit alert, its text cleaned and capped", () => {
    const message = `CRITICAL\n\u001b[31m${"x".repeat(5000)}`;
    const detail = alertDetail(
      JSON.stringify({ alert: "LIMIT_REACHED", message, operatingDaysLeft: 0, extra: "dropped" }),
    );
    expect(detail).toEqual({ alert: "LIMIT_REACHED", message: expect.any(String), operatingDaysLeft: 0 });
    expect(String(detail!.message)).toHaveLength(REMOTE_TEXT_MAX_CHARS);
    expect(String(detail!.message)).toMatch(/^CRITICAL \[31mx+…$/);
  });

  it("keeps anything else as cleaned, capped text only", () => {
    expect(alertDetail('{"alert":"SOMETHING","message":"hi"}')).toEqual({
      text: '{"alert":"SOMETHING","message":"hi"}',
    });
    expect(alertDetail("line one\r\nline two")).toEqual({ text: "line one line two" });
    expect(alertDetail(null)).toBeNull();
  });
});
