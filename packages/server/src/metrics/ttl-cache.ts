/** One value, loaded at most once per `ttlMs` however many callers ask meanwhile. */
export class TtlCache<T> {
  private cached: { value: T; at: number } | null = null;
  private loading: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next `get` loads afresh (what a load already under way returns is not kept). */
  invalidate(): void {
    this.cached = null;
    this.loading = null;
  }

  get(): Promise<T> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return Promise.resolve(this.cached.value);
    if (this.loading) return this.loading;
    const pending: Promise<T> = this.load()
      .then((value) => {
        if (this.loading === pending) this.cached = { value, at: this.now() };
        return value;
      })
      .finally(() => {
        if (this.loading === pending) this.loading = null;
      });
    this.loading = pending;
    return pending;
  }
}
