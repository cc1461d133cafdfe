import type { PoolTransaction, Store } from "@sls/db";
import { describe, expect, it } from "vitest";
import { SlsError } from "../../errors.ts";
import { createLogger } from "../../logger.ts";
import { PoolQueue, type Priority } from "./pool-queue.ts";

/**
 * The pool queue's admission rules on a store whose transactions finish when the test says so and
 * a clock the test moves: what is refused, in what order calls are served, what retryAfterMs says.
 */
function harness(deadlineMs: number) {
  let clock = 0;
  const transactions: Array<{ release(): void; size: number }> = [];
  const store = {
    inPoolTransaction: async (work: (tx: PoolTransaction) => Promise<unknown>) => {
      const entry = { release: () => {}, size: 0 };
      const released = new Promise<void>((resolve) => (entry.release = resolve));
      transactions.push(entry);
      await work({} as PoolTransaction);
      await released;
    },
  } as unknown as Store;
  const batches: number[] = [];
  const queue = new PoolQueue(store, createLogger("error"), {
    deadlineMs,
    now: () => clock,
    onBatch: (size) => batches.push(size),
  });
  const served: string[] = [];
  const call = (name: string, priority: Priority) =>
    queue
      .run({ priority }, async () => void served.push(name))
      .then(
        () => ({ name, ok: true as const }),
        (error: unknown) => ({ name, ok: false as const, error: error as SlsError }),
      );
  /** A few turns of the event loop: the queue takes a batch one turn after a call arrives. */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const commitNext = async () => {
    await settle();
    transactions.shift()?.release();
    await settle();
  };
  return {
    queue,
    call,
    served,
    batches,
    settle,
    now: () => clock,
    advance: (ms: number) => (clock += ms),
    commitNext,
    /** One batch of `size` calls whose cycle (take to next take) lasts `ms` on the test's clock. */
    async teach(size: number, ms: number) {
      const calls = Array.from({ length: size }, (_, i) => call(`teach${i}`, "request"));
      await settle();
      clock += ms;
      await commitNext();
      await Promise.all(calls);
    },
  };
}

/** The batches the queue learns from in the wave tests: 10 ms a batch plus 0.5 ms a call. */
const BATCH_MS = (n: number) => 10 + 0.5 * n;

async function taughtQueue(deadlineMs: number) {
  const h = harness(deadlineMs);
  for (const n of [64, 1, 32, 64, 1, 16]) await h.teach(n, BATCH_MS(n));
  // A batch of one under way, already past its expected cost, so the wave's wait is its own batches.
  const blocker = h.call("blocker", "request");
  await h.settle();
  h.advance(BATCH_MS(1));
  return { h, blocker };
}

describe("PoolQueue admission", () => {
  it("admits whole a wave that full batches drain before the deadline", async () => {
    // 500 calls: 7 batches of 64 (42 ms each) and one of 52 (36 ms) = 330 ms. Priced at the cost
    // per call of a batch of one (10.5 ms), as an average per call of small batches would, only
    // 38 would have got in.
    const { h, blocker } = await taughtQueue(400);
    const wave = Array.from({ length: 500 }, (_, i) => h.call(`w${i}`, "request"));
    expect(h.queue.queued).toBe(500);
    h.batches.length = 0;
    await h.commitNext();
    await blocker;
    while (h.queue.queued > 0) await h.commitNext();
    await h.commitNext();
    const outcomes = await Promise.all(wave);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(h.batches).toEqual([1, 64, 64, 64, 64, 64, 64, 64, 52]);
  });

  it("refuses a wave from the depth whose batches would end past the deadline, with retryAfterMs from the same model", async () => {
    // Depth 310: 4 batches of 64 (168 ms) + one of 54 (37 ms) = 205 ms; depth 311 = 205.5 ms.
    const { h } = await taughtQueue(205.25);
    const wave = Array.from({ length: 400 }, (_, i) => h.call(`w${i}`, "request"));
    expect(h.queue.queued).toBe(310);
    const refused = await wave[310]!;
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.reason).toBe("OVERLOADED");
    expect(refused.error.message).toMatch(/would have waited about 20[56] ms/);
    // retryAfterMs is what the queue as it stands takes to drain: 205 ms, at least 250.
    expect(refused.error.retryAfterMs).toBe(250);
    // A release goes ahead of the requests: it waits its own batch (10.5 ms) plus what it waited before.
    const now = h.now();
    const late = h.queue.run({ priority: "release", arrivedAt: now - 195 }, async () => "ran");
    const timely = h.queue.run({ priority: "release", arrivedAt: now - 194 }, async () => "ran");
    await expect(late).rejects.toMatchObject({ reason: "OVERLOADED" });
    expect(h.queue.queued).toBe(311);
    void timely;
    // refusalOf (the HTTP layer's check before a call is read) draws the same line without queueing.
    expect(h.queue.refusalOf("release", now - 194)).toBeNull();
    expect(h.queue.refusalOf("release", now - 196)).toMatchObject({ reason: "OVERLOADED", retryAfterMs: 250 });
    expect(h.queue.refusalOf("request", now)?.message).toMatch(/would have waited about 2\d\d ms/);
    expect(h.queue.queued).toBe(311);
  });

  it("serves a waiting batch in priority order: release, refresh, request, register", async () => {
    const h = harness(10_000);
    const first = h.call("first", "request");
    await h.commitNext(); // nothing queued yet: the first call runs alone
    await first;
    const blocker = h.call("blocker", "request");
    await h.settle(); // the blocker's transaction is under way
    const waiting = [
      h.call("register", "register"),
      h.call("request", "request"),
      h.call("refresh", "refresh"),
      h.call("release", "release"),
    ];
    await h.commitNext();
    await blocker;
    await h.commitNext();
    await Promise.all(waiting);
    expect(h.served).toEqual(["first", "blocker", "release", "refresh", "request", "register"]);
    expect(h.batches).toEqual([1, 1, 4]);
  });

  it("refuses at once, with OVERLOADED and retryAfterMs, a call whose expected wait exceeds the deadline", async () => {
    const h = harness(100);
    // Teach the queue that a call holds the lock 20 ms.
    for (let i = 0; i < 30; i++) {
      const done = h.call(`warm${i}`, "request");
      await h.settle();
      h.advance(20);
      await h.commitNext();
      await done;
    }
    const blocker = h.call("blocker", "request");
    await h.settle();
    const queued = Array.from({ length: 10 }, (_, i) => h.call(`q${i}`, "request"));
    expect(h.queue.queued).toBeGreaterThan(0); // the first few were admitted and wait
    expect(h.queue.queued).toBeLessThan(10); // the rest were refused at once
    const refused = await h.call("late", "request");
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toBeInstanceOf(SlsError);
    expect(refused.error.reason).toBe("OVERLOADED");
    expect(refused.error.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.error.retryAfterMs).toBeGreaterThanOrEqual(250);
    expect(h.served).not.toContain("late");
    // A release still gets in ahead of the queued requests.
    const release = h.call("release", "release");
    await h.commitNext();
    await blocker;
    await h.commitNext();
    expect((await release).ok).toBe(true);
    expect(h.served.indexOf("release")).toBeLessThan(h.served.indexOf("q0"));
    while (h.queue.queued > 0) await h.commitNext();
    await h.commitNext();
    const outcomes = await Promise.all(queued);
    expect(outcomes.filter((r) => !r.ok).length).toBeGreaterThan(0);
    expect(outcomes.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it("counts a call's wait from its arrival at the server, not from the queue", async () => {
    const h = harness(100);
    h.advance(1_000);
    const late = await h.queue
      .run({ priority: "register", arrivedAt: 850 }, async () => "ran")
      .catch((error: SlsError) => error);
    expect(late).toBeInstanceOf(SlsError);
    expect((late as SlsError).reason).toBe("OVERLOADED");
    expect(() => h.queue.admit(850)).toThrow(SlsError);
    expect(() => h.queue.admit(950)).not.toThrow();
    const timely = h.queue.run({ priority: "request", arrivedAt: 950 }, async () => "ran");
    await h.commitNext();
    expect(await timely).toBe("ran");
  });

  it("sheds, without running it, a call that waited past the deadline before its turn came", async () => {
    const h = harness(100);
    const blocker = h.call("blocker", "request");
    await h.settle();
    const stale = h.call("stale", "request");
    h.advance(500);
    await h.commitNext();
    await blocker;
    await h.commitNext();
    const outcome = await stale;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.reason).toBe("OVERLOADED");
    expect(h.served).toEqual(["blocker"]);
  });
});
