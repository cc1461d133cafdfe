import { describe, expect, it } from "vitest";
import { seededRandom } from "./random.ts";
import { setup } from "../test/kit/setup.ts";

const ALMOST_ONE = 1 - 2 ** -53;

/** Times between consecutive calls. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("the refresh timer", () => {
  it("stays within ±10 % of the server's interval and does not repeat itself", async () => {
    const { participant, main, clock } = setup({ random: seededRandom(11) });
    const times: number[] = [];
    const handle = main.handle.bind(main);
    main.handle = (verb, input, token) => {
      if (verb === "refresh") times.push(clock.now());
      return handle(verb, input, token);
    };
    await participant.start();
    await clock.advanceSeconds(200 * 30);
    const intervals = gaps(times);
    expect(intervals.length).toBeGreaterThan(150);
    expect(Math.min(...intervals)).toBeGreaterThanOrEqual(27_000);
    expect(Math.max(...intervals)).toBeLessThanOrEqual(33_000);
    expect(Math.min(...intervals)).toBeLessThan(28_000);
    expect(Math.max(...intervals)).toBeGreaterThan(32_000);
  });
});

describe("backing off", () => {
  it("widens the wait with each failure in a row and stops at maxRetryDelayMs", async () => {
    const { participant, main, clock, named } = setup({
      retryDelayMs: 2_000,
      maxRetryDelayMs: 20_000,
      random: () => ALMOST_ONE,
    });
    const times: number[] = [];
    await participant.start();
    main.mode = "down";
    participant.on("retrying", (e) => e.verb === "request" && times.push(clock.now() + e.delayMs));
    participant.setLoad(300);
    await clock.advanceSeconds(120);
    expect(gaps(times).slice(0, 6)).toEqual([4_000, 8_000, 16_000, 20_000, 20_000, 20_000]);
    expect(
      named("retrying")
        .filter((e) => e.verb === "request")
        .slice(0, 3),
    ).toEqual([
      { verb: "request", attempt: 1, delayMs: 2_000, reason: "UNREACHABLE" },
      { verb: "request", attempt: 2, delayMs: 4_000, reason: "UNREACHABLE" },
      { verb: "request", attempt: 3, delayMs: 8_000, reason: "UNREACHABLE" },
    ]);
  });

  it("retries a request refused as OVERLOADED with the same requestId, never sooner than retryAfterMs, and is granted once", async () => {
    const { participant, main, clock, named } = setup({ random: () => 0 });
    await participant.start();
    main.shed(7_000);
    participant.setLoad(300);
    await clock.advance(0);
    await clock.advance(6_999);
    expect(main.callsOf("request")).toHaveLength(1);
    await clock.advance(1);
    expect(main.callsOf("request")).toHaveLength(2);

    main.mode = "up";
    await clock.advance(7_000);
    const ids = main.callsOf("request").map((c) => (c.input as { requestId: string }).requestId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(participant.state.granted).toBe(200);
    expect(main.holder("JAD0001").granted).toBe(200);
    expect(named("error")).toEqual([]);
    expect(named("retrying")).toEqual([
      { verb: "request", attempt: 1, delayMs: 7_000, reason: "OVERLOADED" },
      { verb: "request", attempt: 2, delayMs: 7_000, reason: "OVERLOADED" },
    ]);
  });

  it("treats STARTING like OVERLOADED: registers and requests once the server has started, never sooner than retryAfterMs", async () => {
    const { participant, main, clock, named } = setup({ random: () => 0 });
    main.starting(3_000);
    const started = participant.start();
    await clock.advance(0);
    expect(main.callsOf("register")).toHaveLength(1);
    await clock.advance(2_999);
    expect(main.callsOf("register")).toHaveLength(1);
    await clock.advance(1);
    expect(main.callsOf("register")).toHaveLength(2);
    main.mode = "up";
    await clock.advance(3_000);
    await started;
    expect(main.callsOf("register")).toHaveLength(3);

    main.starting(3_000);
    participant.setLoad(300);
    await clock.advance(0);
    await clock.advance(2_999);
    expect(main.callsOf("request")).toHaveLength(1);
    main.mode = "up";
    await clock.advance(1);
    expect(main.callsOf("request")).toHaveLength(2);
    const ids = main.callsOf("request").map((c) => (c.input as { requestId: string }).requestId);
    expect(new Set(ids).size).toBe(1);
    expect(participant.state.granted).toBe(200);
    expect(named("error")).toEqual([]);
    expect(named("retrying").filter((e) => e.verb === "request")).toEqual([
      { verb: "request", attempt: 1, delayMs: 3_000, reason: "STARTING" },
    ]);
  });

  it("starts from the smallest window again once the call goes through", async () => {
    const { participant, main, clock, named } = setup({ retryDelayMs: 1_000, random: () => ALMOST_ONE });
    await participant.start();
    main.mode = "down";
    participant.setLoad(300);
    await clock.advanceSeconds(20);
    main.mode = "up";
    await clock.advanceSeconds(20);
    expect(participant.state.granted).toBe(200);
    main.mode = "down";
    participant.setLoad(600);
    await clock.advance(0);
    expect(
      named("retrying")
        .filter((e) => e.verb === "request")
        .at(-1),
    ).toMatchObject({ attempt: 1, delayMs: 1_000 });
  });

  it("retries a failed refresh after the back-off, no later than the regular interval", async () => {
    const { participant, main, clock, named } = setup({ retryDelayMs: 5_000, random: () => ALMOST_ONE });
    await participant.start();
    main.mode = "down";
    await clock.advanceSeconds(33 + 5 + 10 + 20);
    const delays = named("retrying")
      .filter((e) => e.verb === "refresh")
      .map((e) => e.delayMs);
    expect(delays.slice(0, 3)).toEqual([5_000, 10_000, 20_000]);
    await clock.advanceSeconds(200);
    // The window is past the interval now: the regular (jittered) interval applies.
    expect(
      named("retrying")
        .filter((e) => e.verb === "refresh")
        .at(-1)?.delayMs,
    ).toBe(33_000);
  });

  it("waits as long as the server asks before refreshing, even past the interval", async () => {
    const { participant, main, clock } = setup({ random: () => 0 });
    await participant.start();
    main.shed(50_000);
    await clock.advanceSeconds(27);
    expect(main.callsOf("refresh")).toHaveLength(1);
    main.mode = "up";
    await clock.advanceSeconds(49.999);
    expect(main.callsOf("refresh")).toHaveLength(1);
    await clock.advance(1);
    expect(main.callsOf("refresh")).toHaveLength(2);
  });

  it("retries a release refused for load after the back-off, without waiting out the release delay again", async () => {
    const { participant, main, clock, startWithLoad } = setup({ random: () => 0 });
    await startWithLoad(500);
    participant.setLoad(200);
    main.shed(3_000);
    await clock.advanceSeconds(60);
    expect(main.callsOf("release")).toHaveLength(1);
    main.mode = "up";
    await clock.advanceSeconds(3);
    expect(main.callsOf("release").map((c) => c.input)).toEqual([{ sessions: 250 }, { sessions: 250 }]);
    expect(participant.state.granted).toBe(150);
  });
});

describe("starting", () => {
  it("retries a registration refused as OVERLOADED and resolves once admitted", async () => {
    const { participant, main, clock, named } = setup({ random: () => 0 });
    main.shed(4_000);
    let started = false;
    const start = participant.start().then(() => (started = true));
    await clock.advance(4_000); // refused at once, and again 4 s later
    expect(started).toBe(false);
    main.mode = "up";
    await clock.advance(4_000);
    await start;
    expect(started && participant.state.registered).toBe(true);
    expect(main.callsOf("register")).toHaveLength(3);
    expect(named("retrying").map((e) => [e.verb, e.reason])).toEqual([
      ["register", "OVERLOADED"],
      ["register", "OVERLOADED"],
    ]);
  });

  it("rejects with the refusal when stopped while backing off, and keeps nothing running", async () => {
    const { participant, main, clock } = setup();
    main.mode = "overloaded";
    const start = participant.start();
    await clock.advance(0);
    await participant.stop();
    await expect(start).rejects.toMatchObject({ reason: "OVERLOADED", retryAfterMs: 1_000 });
    await clock.advanceSeconds(600);
    expect(main.callsOf("register")).toHaveLength(1);
  });

  it("waits its share of startSpreadMs before registering", async () => {
    const { participant, main, clock } = setup({ startSpreadMs: 10_000, random: () => 0.25 });
    const start = participant.start();
    await clock.advance(2_499);
    expect(main.callsOf("register")).toHaveLength(0);
    await clock.advance(1);
    await start;
    expect(main.callsOf("register")).toHaveLength(1);
  });

  it("resolves unregistered when stopped during the start spread", async () => {
    const { participant, main, clock } = setup({ startSpreadMs: 10_000 });
    const start = participant.start();
    await clock.advance(1_000);
    await participant.stop();
    await expect(start).resolves.toBeUndefined();
    await clock.advanceSeconds(60);
    expect(main.calls).toHaveLength(0);
    expect(participant.state.registered).toBe(false);
  });
});
