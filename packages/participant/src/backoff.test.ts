import { describe, expect, it } from "vitest";
import { Backoff, backoffDelay, jittered, retryAfterOf } from "./backoff.ts";
import { ApplianceError, UnreachableError } from "./errors.ts";
import { seededRandom } from "./random.ts";

const ALMOST_ONE = 1 - 2 ** -53;
const fixed = (value: number) => () => value;

describe("jittered", () => {
  it("moves an interval by at most ±10 %, reaching both ends", () => {
    expect(jittered(30_000, fixed(0))).toBe(27_000);
    expect(jittered(30_000, fixed(0.5))).toBe(30_000);
    expect(jittered(30_000, fixed(ALMOST_ONE))).toBe(33_000);
  });

  it("spreads evenly over the band", () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 10_000 }, () => jittered(30_000, random));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(27_000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(33_000);
    const lowerHalf = draws.filter((ms) => ms < 30_000).length;
    expect(lowerHalf).toBeGreaterThan(4_700);
    expect(lowerHalf).toBeLessThan(5_300);
  });
});

describe("backoffDelay (full jitter)", () => {
  const policy = (random: () => number) => ({ baseMs: 5_000, capMs: 60_000, random });

  it("doubles the window with each failure in a row, up to the cap", () => {
    const widest = [0, 1, 2, 3, 4, 5, 6, 40].map((attempt) => backoffDelay(attempt, policy(fixed(ALMOST_ONE))));
    expect(widest).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it("draws from the whole window, down to no wait at all", () => {
    expect(backoffDelay(3, policy(fixed(0)))).toBe(0);
    expect(backoffDelay(3, policy(fixed(0.25)))).toBe(10_000);
  });

  it("never comes sooner than the server's retryAfterMs, and still spreads beyond it", () => {
    expect(backoffDelay(0, policy(fixed(0)), 7_000)).toBe(7_000);
    expect(backoffDelay(0, policy(fixed(0.5)), 7_000)).toBe(9_500);
    expect(backoffDelay(9, policy(fixed(ALMOST_ONE)), 90_000)).toBe(150_000);
  });
});

describe("retryAfterOf", () => {
  it("reads retryAfterMs from a refusal that carries it, 0 otherwise", () => {
    expect(
      retryAfterOf(new ApplianceError("TOO_MANY_REQUESTS", "OVERLOADED", "busy", 429, { retryAfterMs: 1_200 })),
    ).toBe(1_200);
    expect(retryAfterOf(new ApplianceError("TOO_MANY_REQUESTS", "OVERLOADED", "busy", 429))).toBe(0);
    expect(retryAfterOf(new UnreachableError("http://x", "down"))).toBe(0);
  });
});

describe("Backoff", () => {
  it("counts failures in a row and starts over after a success", () => {
    const backoff = new Backoff({ baseMs: 1_000, capMs: 8_000, random: fixed(ALMOST_ONE) });
    const down = new UnreachableError("http://x", "down");
    expect([backoff.next(down), backoff.next(down), backoff.next(down)]).toEqual([
      { delayMs: 1_000, attempt: 1 },
      { delayMs: 2_000, attempt: 2 },
      { delayMs: 4_000, attempt: 3 },
    ]);
    backoff.reset();
    expect(backoff.next(down)).toEqual({ delayMs: 1_000, attempt: 1 });
  });
});
