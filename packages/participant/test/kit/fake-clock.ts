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
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.ms = due[1].at;
      due[1].callback();
    }
    this.ms = end;
    await settle();
  }

  async advanceSeconds(seconds: number): Promise<void> {
    await this.advance(seconds * 1000);
  }
}

/** Lets every queued promise job and I/O callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
