import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceOperatingLimit,
  canIssueSessions,
  initialOperatingLimit,
  MAX_LIMIT_DAYS,
  remainingDays,
  setActive,
  type OperatingLimit,
} from "./operating-limit";
import { DAY_MS, HOUR_MS } from "./time";

const DAY = DAY_MS;

function run(
  limit: OperatingLimit,
  from: number,
  days: number,
  active: boolean,
): { limit: OperatingLimit; alerts: string[]; at: number } {
  let current = active ? setActive(limit, true, from) : limit;
  const alerts: string[] = [];
  let at = from;
  for (let d = 0; d < days; d++) {
    at += DAY;
    const step = advanceOperatingLimit(current, at, { active, synchronised: true });
    current = step.limit;
    alerts.push(...step.alerts.map((a) => `${a}@${Math.round((at - from) / DAY)}`));
  }
  return { limit: active ? current : setActive(current, false, at), alerts, at };
}

describe("backup operating limit", () => {
  it("starts at 5 days when the main server is first set up, inactive, no alert raised, free to issue", () => {
    expect(remainingDays(initialOperatingLimit(0))).toBe(5);
    expect(initialOperatingLimit(1_000)).toEqual({
      remainingMs: 5 * DAY,
      activeSinceMs: null,
      accountedAtMs: 1_000,
      raised: [],
    });
    expect(canIssueSessions(initialOperatingLimit(0))).toBe(true);
  });

  it("grows one day per day inactive and synchronised, up to 30", () => {
    const grown = run(initialOperatingLimit(0), 0, 10, false);
    expect(remainingDays(grown.limit)).toBe(15);
    expect(remainingDays(run(grown.limit, grown.at, 40, false).limit)).toBe(MAX_LIMIT_DAYS);
  });

  it("does not grow while the backup is not synchronised", () => {
    const step = advanceOperatingLimit(initialOperatingLimit(0), 3 * DAY, { active: false, synchronised: false });
    expect(remainingDays(step.limit)).toBe(5);
  });

  it("follows the spec's example: 20 days down leaves 10, 20 more days inactive recharges to 30", () => {
    const full = run(initialOperatingLimit(0), 0, 25, false);
    expect(remainingDays(full.limit)).toBe(30);
    const down = run(full.limit, full.at, 20, true);
    expect(remainingDays(down.limit)).toBe(10);
    expect(down.alerts).toEqual(["ACTIVE_15_DAYS@15"]);
    const back = run(down.limit, down.at, 20, false);
    expect(remainingDays(back.limit)).toBe(30);
  });

  it("stops issuing at zero and raises the limit alert once", () => {
    const active = run(initialOperatingLimit(0), 0, 7, true);
    expect(active.limit.remainingMs).toBe(0);
    expect(canIssueSessions(active.limit)).toBe(false);
    expect(active.alerts).toEqual(["LIMIT_REACHED@5"]);
  });

  it("raises no alert while inactive, however long ago the clock started or however empty the budget", () => {
    const now = Date.UTC(2026, 0, 1);
    const idle = advanceOperatingLimit(initialOperatingLimit(now), now + 20 * DAY, {
      active: false,
      synchronised: true,
    });
    expect(idle.alerts).toEqual([]);
    const drained = run(initialOperatingLimit(now), now, 6, true);
    expect(drained.alerts).toEqual(["LIMIT_REACHED@5"]);
    const ended = setActive(drained.limit, false, drained.at);
    const unsynchronised = advanceOperatingLimit(ended, drained.at + 20 * DAY, { active: false, synchronised: false });
    expect(unsynchronised.limit.remainingMs).toBe(0);
    expect(unsynchronised.alerts).toEqual([]);
  });

  it("counts one continuous active period: starting again while active does not restart the 15 days", () => {
    const full = run(initialOperatingLimit(0), 0, 25, false);
    let limit = setActive(full.limit, true, full.at);
    limit = advanceOperatingLimit(limit, full.at + 10 * DAY, { active: true, synchronised: true }).limit;
    limit = setActive(limit, true, full.at + 10 * DAY);
    expect(limit.activeSinceMs).toBe(full.at);
    const step = advanceOperatingLimit(limit, full.at + 15 * DAY, { active: true, synchronised: true });
    expect(step.alerts).toEqual(["ACTIVE_15_DAYS"]);
  });

  it("ends an active period when the backup goes inactive; the next period raises its alerts afresh", () => {
    const full = run(initialOperatingLimit(0), 0, 25, false);
    const first = run(full.limit, full.at, 16, true);
    expect(first.alerts).toEqual(["ACTIVE_15_DAYS@15"]);
    const ended = setActive(first.limit, false, first.at);
    expect(ended).toMatchObject({ activeSinceMs: null, raised: [] });
    const recharged = run(ended, first.at, 20, false);
    expect(setActive(recharged.limit, true, recharged.at)).toMatchObject({ activeSinceMs: recharged.at, raised: [] });
    const second = run(recharged.limit, recharged.at, 16, true);
    expect(second.alerts).toEqual(["ACTIVE_15_DAYS@15"]);
  });

  it("stays within 0 and 30 days whatever the sequence", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ hours: fc.integer({ min: 0, max: 24 * 40 }), active: fc.boolean(), synchronised: fc.boolean() }),
          { maxLength: 50 },
        ),
        (steps) => {
          let limit = initialOperatingLimit(0);
          let at = 0;
          for (const step of steps) {
            limit = setActive(limit, step.active, at);
            at += step.hours * HOUR_MS;
            const before = limit.remainingMs;
            limit = advanceOperatingLimit(limit, at, step).limit;
            expect(limit.remainingMs).toBeGreaterThanOrEqual(0);
            expect(limit.remainingMs).toBeLessThanOrEqual(MAX_LIMIT_DAYS * DAY);
            if (step.active) expect(limit.remainingMs).toBeLessThanOrEqual(before);
            else expect(limit.remainingMs).toBeGreaterThanOrEqual(before);
          }
        },
      ),
    );
  });
});
