import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceOperatingLimit,
  canIssueSessions,
  DAY_MS,
  initialOperatingLimit,
  MAX_LIMIT_DAYS,
  remainingDays,
  setActive,
  type OperatingLimit,
} from "./operating-limit";

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
  it("starts at 5 days when the main server is first set up", () => {
    expect(remainingDays(initialOperatingLimit(0))).toBe(5);
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
            at += step.hours * 3_600_000;
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
