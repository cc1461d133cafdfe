/** One value, loaded at most once per `ttlMs` however many callers ask meanwhile. */
export class TtlCache<T> {
  private cached: { value: T; at: number } | null = null;
  private loading: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return Promise.resolve(this.cached.value);
    this.loading ??= this.load()
      .then((value) => {
        this.cached = { value, at: this.now() };
        return value;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
