import type { Clock } from "./clock.ts";

/** One named timer on the client's clock: setting it again replaces the previous one. */
export class Timer {
  private handle: unknown = null;
  private cancelWait: (() => void) | null = null;
  dueAt: number | null = null;

  constructor(private readonly clock: Clock) {}

  set(ms: number, callback: () => void): void {
    this.clear();
    this.dueAt = this.clock.now() + ms;
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.dueAt = null;
      this.cancelWait = null;
      callback();
    }, ms);
  }

  /** Resolves `true` after `ms`, or `false` as soon as the timer is cleared or set again. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.set(ms, () => resolve(true));
      this.cancelWait = () => resolve(false);
    });
  }

  clear(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.dueAt = null;
    const cancel = this.cancelWait;
    this.cancelWait = null;
    cancel?.();
  }

  get pending(): boolean {
    return this.handle !== null;
  }
}
