import { describe, expect, it } from "vitest";
import { setup } from "../test/kit/setup.ts";

describe("registering and refreshing", () => {
  it("registers with its serial, model and limits", async () => {
    const { participant, main } = setup({ haPeerSerial: "JAD0002" });
    await participant.start();
    expect(main.callsOf("register").map((c) => c.input)).toEqual([
      {
        secret: "s3cret",
        serial: "JAD0001",
        hostname: "vpn-1.example.net",
        model: "ASA5555-X",
        platformLimit: 1000,
        localLimit: 100,
        haPeerSerial: "JAD0002",
      },
    ]);
    expect(participant.state.registered).toBe(true);
  });

  it("refreshes at the interval the server gives, reporting the sessions in use", async () => {
    const { participant, main, clock } = setup();
    main.refreshIntervalSec = 20;
    await participant.start();
    participant.setLoad(70);
    await clock.advanceSeconds(19);
    expect(main.callsOf("refresh")).toHaveLength(0);
    await clock.advanceSeconds(1);
    expect(main.callsOf("refresh").map((c) => c.input)).toEqual([{ inUse: 70 }]);

    main.refreshIntervalSec = 45; // the administrator changed it
    await clock.advanceSeconds(20);
    await clock.advanceSeconds(44);
    expect(main.callsOf("refresh")).toHaveLength(2);
    await clock.advanceSeconds(1);
    expect(main.callsOf("refresh")).toHaveLength(3);
  });

  it("refreshes sooner than the server's interval when maxRefreshIntervalMs is shorter, never later", async () => {
    const { participant, main, clock } = setup({ maxRefreshIntervalMs: 2_000 });
    main.refreshIntervalSec = 20;
    await participant.start();
    await clock.advanceSeconds(10);
    expect(main.callsOf("refresh")).toHaveLength(5);

    const slow = setup({ maxRefreshIntervalMs: 60_000 });
    slow.main.refreshIntervalSec = 20;
    await slow.participant.start();
    await slow.clock.advanceSeconds(40);
    expect(slow.main.callsOf("refresh")).toHaveLength(2);
  });

  it("reports no more in use than it may run", async () => {
    const { participant, main, clock } = setup({}, 0);
    await participant.start();
    participant.setLoad(400);
    await clock.advanceSeconds(30);
    expect(main.callsOf("refresh").map((c) => c.input)).toEqual([{ inUse: 100 }]);
  });

  it("rejects start() with the server's reason when the secret is wrong", async () => {
    const { participant } = setup({ secret: "wrong" });
    await expect(participant.start()).rejects.toMatchObject({ reason: "BAD_SECRET", code: "UNAUTHORIZED" });
    expect(participant.state.registered).toBe(false);
  });

  it("registers again when its token is superseded, and carries on", async () => {
    const { participant, main, clock, startWithLoad } = setup();
    await startWithLoad(300);
    main.handle(
      "register",
      { secret: "s3cret", serial: "JAD0001", hostname: "h", model: "m", platformLimit: 1000, localLimit: 100 },
      undefined,
    );
    await clock.advanceSeconds(30);
    expect(main.callsOf("register")).toHaveLength(3);
    expect(main.callsOf("refresh").at(-1)?.token).toMatch(/-3$/);
    expect(participant.state.granted).toBe(200);
  });

  it("rejects bad loads", () => {
    const { participant } = setup();
    expect(() => participant.setLoad(-1)).toThrow(/load must be a whole number ≥ 0; got -1/);
    expect(() => participant.setLoad(1.5)).toThrow(RangeError);
  });
});
