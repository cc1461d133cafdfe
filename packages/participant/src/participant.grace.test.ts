import { describe, expect, it } from "vitest";
import { setup } from "../test/kit/setup.ts";

const HOUR = 3600;

describe("no server reachable: the grace period", () => {
  it("keeps the grant while no server answers, and says so once", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(400);
    main.mode = "down";
    const lostAt = clock.now() + 30_000;
    await clock.advanceSeconds(12 * HOUR);
    expect(named("grace-started")).toEqual([{ since: lostAt, until: lostAt + 24 * HOUR * 1000, granted: 300 }]);
    expect(participant.state).toMatchObject({ granted: 300, capacity: 400, grace: { since: lostAt } });
  });

  it("ends the grace period when a server answers again", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(400);
    main.mode = "down";
    await clock.advanceSeconds(HOUR);
    main.mode = "up";
    await clock.advanceSeconds(30);
    expect(named("grace-ended")).toEqual([{ reason: "reconnected", granted: 300 }]);
    expect(participant.state.grace).toBeNull();
  });

  it("drops the grant after 24 h: no sessions beyond the local limit", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(400);
    main.mode = "down";
    await clock.advanceSeconds(30 + 24 * HOUR);
    expect(named("released")).toEqual([{ sessions: 300, granted: 0, pending: 0, reason: "grace-expired" }]);
    expect(named("grace-ended")).toEqual([{ reason: "expired", granted: 0 }]);
    expect(participant.state).toMatchObject({ granted: 0, capacity: 100, inUse: 100, grace: null });
  });

  it("asks again once a server is back after the grant was dropped", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(400);
    main.mode = "down";
    await clock.advanceSeconds(30 + 24 * HOUR);
    main.reclaim("JAD0001"); // the server took it back long ago
    main.mode = "up";
    await clock.advanceSeconds(30);
    expect(participant.state.granted).toBe(300);
    expect(main.holder("JAD0001").granted).toBe(300);
  });

  it("takes the server's figures before asking again: a grant the server kept is not asked for twice", async () => {
    const { participant, main, clock, named, startWithLoad } = setup();
    await startWithLoad(400);
    main.mode = "down";
    await clock.advanceSeconds(30 + 24 * HOUR);
    expect(participant.state.granted).toBe(0);
    main.mode = "up"; // nobody reclaimed it: the server still counts 300 for us
    await clock.advanceSeconds(30);
    expect(participant.state).toMatchObject({ granted: 300, pending: 0 });
    expect(main.holder("JAD0001").granted).toBe(300);
    expect(main.callsOf("request")).toHaveLength(1);
    expect(named("granted").at(-1)).toMatchObject({ added: 300, granted: 300 });
  });

  it("honours a configured grace period", async () => {
    const { main, clock, named, startWithLoad } = setup({ graceMs: 90_000 });
    await startWithLoad(200);
    main.mode = "down";
    await clock.advanceSeconds(30 + 89);
    expect(named("grace-ended")).toEqual([]);
    await clock.advanceSeconds(1);
    expect(named("grace-ended")).toEqual([{ reason: "expired", granted: 0 }]);
  });

  it("fails over first and starts the grace period only when the backup is unreachable too", async () => {
    const { main, clock, named, withBackup, startWithLoad } = setup();
    const backup = withBackup();
    await startWithLoad(200);
    main.mode = "down";
    backup.mode = "down";
    await clock.advanceSeconds(30);
    expect(named("failed-over").map((e) => e.to)).toEqual(["backup", "main"]);
    expect(named("grace-started")).toHaveLength(1);
  });
});
