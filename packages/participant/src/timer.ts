import type { Clock } from "./clock.ts";

/** One named timer on the client's clock: setting it again replaces the previous one. */
export class Timer {
  private handle: unknown = null;
  dueAt: number | null = null;

  constructor(private readonly clock: Clock) {}

  set(ms: number, callback: () => void): void {
    this.clear();
    this.dueAt = this.clock.now() + ms;
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.dueAt = null;
      callback();
    }, ms);
  }

  clear(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.dueAt = null;
  }

  get pending(): boolean {
    return this.handle !== null;
  }
}
