import { describe, expect, it } from "vitest";
import { FakeServer } from "../test/kit/fake-server.ts";
import { setup } from "../test/kit/setup.ts";

describe("failover pair", () => {
  it("the newly active unit takes over its peer's sessions", async () => {
    const { participant, main, named } = setup({ serial: "UNIT-B", haPeerSerial: "UNIT-A" });
    main.handle(
      "register",
      {
        secret: "s3cret",
        serial: "UNIT-A",
        hostname: "a",
        model: "m",
        platformLimit: 1000,
        localLimit: 100,
        haPeerSerial: "UNIT-B",
      },
      undefined,
    );
    main.holder("UNIT-A").granted = 300;
    await participant.start();
    await expect(participant.transferFrom("UNIT-A")).resolves.toEqual({ granted: 300, pending: 0 });
    expect(participant.state.granted).toBe(300);
    expect(main.holder("UNIT-A").granted).toBe(0);
    expect(named("granted")).toEqual([{ added: 300, granted: 300, pending: 0, via: "transfer" }]);
  });

  it("rejects with NOT_HA_PEER for a unit that is not its peer", async () => {
    const { participant, main } = setup({ serial: "UNIT-B" });
    main.handle(
      "register",
      { secret: "s3cret", serial: "STRANGER", hostname: "s", model: "m", platformLimit: 1000, localLimit: 0 },
      undefined,
    );
    await participant.start();
    await expect(participant.transferFrom("STRANGER")).rejects.toMatchObject({ reason: "NOT_HA_PEER" });
  });
});

// Keeps the fake honest: the class is what the other tests rely on.
describe("FakeServer", () => {
  it("grants what the pool holds and queues the rest", () => {
    const server = new FakeServer("http://x", 100);
    const { token } = server.handle(
      "register",
      { secret: "s3cret", serial: "A", hostname: "a", model: "m", platformLimit: 1000, localLimit: 0 },
      undefined,
    );
    expect(server.handle("request", { sessions: 150, requestId: "r1" }, token)).toMatchObject({
      granted: 100,
      added: 100,
      pending: 50,
    });
  });
});
