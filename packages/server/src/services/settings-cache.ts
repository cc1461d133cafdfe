import type { ServerRow, Store } from "@sls/db";

const TTL_MS = 1_000;

/**
 * The settings as refresh needs them (interval, backup address), re-read at most once a second.
 * Refresh is the bulk of appliance traffic; a settings change reaches it within a second, in
 * every process. Grant decisions never use this copy: they read the locked row.
 */
export class SettingsCache {
  private cached: { row: ServerRow | null; at: number } | null = null;
  private loading: Promise<ServerRow | null> | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next read goes to the database (this process changed the settings). */
  invalidate(): void {
    this.cached = null;
  }

  async get(): Promise<ServerRow | null> {
    if (this.cached && this.now() - this.cached.at < TTL_MS) return this.cached.row;
    this.loading ??= this.store
      .readServer()
      .then((row) => {
        this.cached = { row, at: this.now() };
        return row;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
