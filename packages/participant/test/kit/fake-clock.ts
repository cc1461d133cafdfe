import type { Clock } from "../../src/clock.ts";

/** A clock moved by hand; `advance` fires due timers in order and lets promise chains settle between them. */
export class FakeClock implements Clock {
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  constructor(public ms = Date.UTC(2026, 0, 1)) {}

  now = (): number => this.ms;

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.ms + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  async advance(ms: number): Promise<void> {
    const end = this.ms + ms;
    for (;;) {
      await settle();
      const due = this.earliestDue(end);
      if (!due) break;
      this.timers.delete(due.id);
      this.ms = due.at;
      due.callback();
    }
    this.ms = end;
    await settle();
  }

  /** The timer due first by `end`, the one set first among those due at the same instant. */
  private earliestDue(end: number): { id: number; at: number; callback: () => void } | undefined {
    let first: { id: number; at: number; callback: () => void } | undefined;
    // Map iteration follows insertion, which is id order: a later timer at the same instant never wins.
    for (const [id, timer] of this.timers)
      if (timer.at <= end && (!first || timer.at < first.at)) first = { id, ...timer };
    return first;
  }

  async advanceSeconds(seconds: number): Promise<void> {
    await this.advance(seconds * 1000);
  }
}

/** Lets every queued promise job and I/O callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
