import { describe, expect, it } from "vitest";
import { DEFAULTS } from "./options.ts";
import { busiestWindow, fleetSetup } from "../test/kit/setup.ts";

// A fleet of 1,000 fake participants on one fake clock: after something that hits them all at
// once, their next calls must not come back together (spec: "Participants spread their calls").
const FLEET = 1_000;
/** No 100 ms window may hold more than 5 % of the fleet's calls. */
const WINDOW_MS = 100;
const MOST_IN_A_WINDOW = FLEET * 0.05;

/** Registered at the same instant, with the product's default back-off (first window 5 s). */
async function startedFleet() {
  const fleet = fleetSetup(FLEET, { retryDelayMs: DEFAULTS.retryDelayMs });
  await Promise.all(fleet.participants.map((p) => p.start()));
  return fleet;
}

describe(`a fleet of ${FLEET} participants`, () => {
  it("spreads the first retries after the server refused everyone as OVERLOADED, none sooner than retryAfterMs", async () => {
    const { clock, main, participants, nth } = await startedFleet();
    main.shed(1_000);
    const refusedAt = clock.now();
    for (const p of participants) p.setLoad(300);
    await clock.advance(0);
    expect(nth("request", 0)).toHaveLength(FLEET);

    await clock.advance(1_000 + DEFAULTS.retryDelayMs);
    const retries = nth("request", 1);
    expect(retries).toHaveLength(FLEET);
    const times = retries.map((r) => r.at);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(refusedAt + 1_000);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(MOST_IN_A_WINDOW);
    // Retried with the requestId of the refused ask.
    const first = new Map(nth("request", 0).map((r) => [r.serial, r.input]));
    for (const retry of retries) expect(retry.input).toEqual(first.get(retry.serial));
  });

  it("spreads the first retries after the server became unreachable for everyone", async () => {
    const { clock, main, participants, nth } = await startedFleet();
    main.mode = "down";
    for (const p of participants) p.setLoad(300);
    await clock.advance(DEFAULTS.retryDelayMs);
    const times = nth("request", 1).map((r) => r.at);
    expect(times).toHaveLength(FLEET);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(MOST_IN_A_WINDOW);
  });

  it("registered together, refreshes apart: the jittered timer spreads the first refreshes", async () => {
    const { clock, nth } = await startedFleet();
    await clock.advanceSeconds(33);
    const times = nth("refresh", 0).map((r) => r.at);
    expect(times).toHaveLength(FLEET);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(MOST_IN_A_WINDOW);
  });

  it("spreads its registrations over startSpreadMs when it powers up together", async () => {
    const { clock, participants, nth } = fleetSetup(FLEET, { startSpreadMs: 60_000 });
    const poweredUpAt = clock.now();
    const started = Promise.all(participants.map((p) => p.start()));
    await clock.advance(60_000);
    await started;
    const times = nth("register", 0).map((r) => r.at - poweredUpAt);
    expect(times).toHaveLength(FLEET);
    expect(Math.min(...times)).toBeLessThan(600);
    expect(Math.max(...times)).toBeGreaterThan(59_400);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(MOST_IN_A_WINDOW);
    // Each tenth of the spread holds about a tenth of the fleet.
    const tenths = Array.from({ length: 10 }, (_, i) => times.filter((t) => Math.floor(t / 6_000) === i).length);
    for (const count of tenths) expect(count).toBeGreaterThan(FLEET * 0.07);
    for (const count of tenths) expect(count).toBeLessThan(FLEET * 0.13);
  });
});
