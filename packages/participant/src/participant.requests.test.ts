import { describe, expect, it } from "vitest";
import { setup } from "../test/kit/setup.ts";

describe("asking for sessions", () => {
  it("asks for nothing while the local licence covers the load", async () => {
    const { main, startWithLoad } = setup();
    await startWithLoad(100);
    expect(main.callsOf("request")).toHaveLength(0);
  });

  it("asks in 50-session blocks once the local licence is used up", async () => {
    const { participant, main, named, startWithLoad } = setup();
    await startWithLoad(260);
    expect(main.callsOf("request").map((c) => c.input)).toEqual([{ sessions: 200, requestId: expect.any(String) }]);
    expect(participant.state).toMatchObject({ granted: 200, capacity: 300, inUse: 260 });
    expect(named("granted")).toEqual([{ added: 200, granted: 200, pending: 0, via: "request" }]);
  });

  it("never asks past the platform limit", async () => {
    const { participant, main, clock } = setup({}, 100_000);
    await participant.start();
    participant.setLoad(50_000);
    await clock.advance(0);
    participant.setLoad(60_000);
    await clock.advance(0);
    expect(main.callsOf("request").map((c) => (c.input as { sessions: number }).sessions)).toEqual([900]);
    expect(participant.state).toMatchObject({ granted: 900, capacity: 1000, inUse: 1000 });
  });

  it("uses a new requestId for each new ask", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(150);
    participant.setLoad(250);
    await clock.advance(0);
    const ids = main.callsOf("request").map((c) => (c.input as { requestId: string }).requestId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it("keeps its pending demand without asking again, and refreshes until it is served", async () => {
    const { participant, main, clock, named, startWithLoad } = setup({}, 300);
    main.holders.set("OTHER", {
      serial: "OTHER",
      granted: 200,
      pending: 0,
      platformLimit: 1000,
      localLimit: 0,
      haPeerSerial: undefined,
      inUse: 0,
    });
    await startWithLoad(400);
    expect(participant.state).toMatchObject({ granted: 100, pending: 200 });

    await clock.advanceSeconds(60);
    expect(main.callsOf("request")).toHaveLength(1);
    expect(main.callsOf("refresh")).toHaveLength(2);

    main.holder("OTHER").granted = 0; // the other appliance gave its sessions back
    (main as unknown as { serveQueue(): void }).serveQueue();
    await clock.advanceSeconds(30);
    expect(participant.state).toMatchObject({ granted: 300, pending: 0 });
    expect(named("granted").at(-1)).toEqual({ added: 200, granted: 300, pending: 0, via: "pending-served" });
  });

  it("asks again after the server reclaimed its grant", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(400);
    main.reclaim("JAD0001");
    await clock.advanceSeconds(30);
    expect(named("released")).toEqual([{ sessions: 300, granted: 0, pending: 0, reason: "reclaimed" }]);
    expect(main.callsOf("request")).toHaveLength(2);
    expect(participant.state.granted).toBe(300);
  });
});

describe("giving sessions back (hysteresis)", () => {
  it("releases only after the load has stayed low for the release delay, keeping the margin", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(500);
    participant.setLoad(200);
    await clock.advanceSeconds(59);
    expect(main.callsOf("release")).toHaveLength(0);
    await clock.advanceSeconds(1);
    expect(main.callsOf("release").map((c) => c.input)).toEqual([{ sessions: 250 }]);
    expect(participant.state).toMatchObject({ granted: 150, capacity: 250 });
    expect(named("released")).toEqual([{ sessions: 250, granted: 150, pending: 0, reason: "load-dropped" }]);
  });

  it("does not flap when the load dips briefly", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(500);
    for (let i = 0; i < 10; i++) {
      participant.setLoad(200);
      await clock.advanceSeconds(30);
      participant.setLoad(480);
      await clock.advanceSeconds(30);
    }
    expect(main.callsOf("release")).toHaveLength(0);
    expect(main.callsOf("request")).toHaveLength(1);
  });

  it("does not release a grant that stays within the margin", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(500);
    participant.setLoad(420);
    await clock.advanceSeconds(600);
    expect(main.callsOf("release")).toHaveLength(0);
  });

  it("withdraws pending demand it no longer needs with a release of 0", async () => {
    const { participant, main, clock, startWithLoad } = setup({}, 100);
    await startWithLoad(400);
    expect(participant.state).toMatchObject({ granted: 100, pending: 200 });
    participant.setLoad(150);
    await clock.advanceSeconds(60);
    expect(main.callsOf("release").map((c) => c.input)).toEqual([{ sessions: 0 }]);
    expect(participant.state).toMatchObject({ granted: 100, pending: 0 });
  });

  it("gives everything back on stop({ release: true })", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(400);
    await participant.stop({ release: true });
    expect(main.holder("JAD0001")).toMatchObject({ granted: 0, pending: 0 });
    await clock.advanceSeconds(300);
    expect(main.callsOf("refresh")).toHaveLength(0);
  });
});
