// Issue 10, finding 3: scrypt is costly on purpose, so the process runs only a few at once, and a
// fleet presenting the one right secret at once pays for a single run.
import { afterEach, describe, expect, it, vi } from "vitest";
import { SlsError } from "../errors.ts";
import { HashSlots, scryptSlots } from "./hash-slots.ts";
import { hashSecret, SecretChecker } from "./secret.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hashing slots", () => {
  it("refuse a run beyond the limit at once with OVERLOADED and retryAfterMs, and free the slot afterwards", async () => {
    const slots = new HashSlots(2);
    const gates: Array<() => void> = [];
    const held = () => slots.run(() => new Promise<void>((resolve) => gates.push(resolve)));
    const running = [held(), held()];
    const refused = await slots.run(async () => "ran").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SlsError);
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "OVERLOADED" });
    expect((refused as SlsError).retryAfterMs).toBeGreaterThan(0);
    for (const open of gates) open();
    await Promise.all(running);
    expect(await slots.run(async () => "ran")).toBe("ran");
  });

  it("let a failed run give its slot back", async () => {
    const slots = new HashSlots(1);
    await expect(slots.run(() => Promise.reject(new Error("broken")))).rejects.toThrow("broken");
    expect(await slots.run(async () => 1)).toBe(1);
  });
});

describe("the verified-secret memo", () => {
  it("answers 10,000 simultaneous checks of the right secret with one scrypt run", async () => {
    const verifier = await hashSecret("fleet secret 1");
    const checker = new SecretChecker();
    const runs = vi.spyOn(scryptSlots, "run");
    const answers = await Promise.all(
      Array.from({ length: 10_000 }, () => checker.matches("fleet secret 1", verifier)),
    );
    expect(answers.every(Boolean)).toBe(true);
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it("still runs scrypt for every wrong secret, and forgets the secret when the verifier changes", async () => {
    const verifier = await hashSecret("fleet secret 1");
    const checker = new SecretChecker();
    expect(await checker.matches("fleet secret 1", verifier)).toBe(true);
    const runs = vi.spyOn(scryptSlots, "run");
    expect(await checker.matches("fleet secret 2", verifier)).toBe(false);
    expect(await checker.matches("fleet secret 3", verifier)).toBe(false);
    expect(runs).toHaveBeenCalledTimes(2);
    expect(checker.remembers("fleet secret 1", verifier)).toBe(true);

    const rotated = await hashSecret("fleet secret 2");
    expect(checker.remembers("fleet secret 1", rotated)).toBe(false);
    expect(await checker.matches("fleet secret 1", rotated)).toBe(false);
    expect(await checker.matches("fleet secret 2", rotated)).toBe(true);
    expect(checker.remembers("fleet secret 2", rotated)).toBe(true);
  });
});
