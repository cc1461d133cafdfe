import { describe, expect, it } from "vitest";
import { HashSlots } from "./hash-slots.ts";

describe("HashSlots", () => {
  it("keeps the last slot from suspects, for callers whose address has not failed", async () => {
    const slots = new HashSlots(3);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = [slots.run(() => held, true), slots.run(() => held, true)];
    expect(slots.inUse).toBe(2);
    await expect(slots.run(async () => "suspect", true)).rejects.toMatchObject({ reason: "OVERLOADED" });
    const clean = slots.run(() => held.then(() => "clean"));
    expect(slots.inUse).toBe(3);
    await expect(slots.run(async () => "clean too")).rejects.toMatchObject({ reason: "OVERLOADED" });
    release();
    expect(await clean).toBe("clean");
    await Promise.all(running);
    expect(await slots.run(async () => "suspect again", true)).toBe("suspect again");
  });

  it("lets suspects hold no more than their own limit, and never the last slot", async () => {
    const slots = new HashSlots(4, 1);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const suspect = slots.run(() => held, true);
    await expect(slots.run(async () => "second suspect", true)).rejects.toMatchObject({ reason: "OVERLOADED" });
    const clean = [slots.run(() => held), slots.run(() => held), slots.run(() => held)];
    expect(slots.inUse).toBe(4);
    release();
    await Promise.all([suspect, ...clean]);
    expect(new HashSlots(4, 10).suspectLimit).toBe(3);
    expect(new HashSlots(2, 0).suspectLimit).toBe(1);
  });
});
