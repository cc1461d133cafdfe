import { describe, expect, it } from "vitest";
import { setup } from "../test/kit/setup.ts";

describe("a request that gets no answer", () => {
  it("is sent again with the same requestId after the timeout, and is granted once", async () => {
    const { participant, main, clock } = setup({ callTimeoutMs: 5_000, retryDelayMs: 2_000 });
    await participant.start();
    main.mode = "lose-answers";
    participant.setLoad(300);
    await clock.advanceSeconds(5);
    expect(participant.state.granted).toBe(0);
    expect(main.holder("JAD0001").granted).toBe(200); // the server did grant: only the answer was lost

    main.mode = "up";
    await clock.advanceSeconds(2);
    const requests = main.callsOf("request").map((c) => c.input as { requestId: string });
    expect(requests).toHaveLength(2);
    expect(requests[1]!.requestId).toBe(requests[0]!.requestId);
    expect(participant.state.granted).toBe(200);
    expect(main.holder("JAD0001").granted).toBe(200);
  });

  it("keeps the same requestId through several timeouts, whatever the load does meanwhile", async () => {
    const { participant, main, clock } = setup();
    await participant.start();
    main.mode = "hang";
    participant.setLoad(300);
    await clock.advanceSeconds(20);
    participant.setLoad(600);
    await clock.advanceSeconds(20);
    const ids = new Set(main.callsOf("request").map((c) => (c.input as { requestId: string }).requestId));
    expect(main.callsOf("request").length).toBeGreaterThan(2);
    expect(ids.size).toBe(1);

    main.mode = "up";
    await clock.advanceSeconds(60); // the back-off window has grown to its cap by now
    expect(participant.state.granted).toBe(500); // the retried 200, then a new ask for the rest
  });
});
