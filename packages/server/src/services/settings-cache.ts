import type { ServerRow, Store } from "@sls/db";
import { TtlCache } from "../metrics/ttl-cache.ts";

const TTL_MS = 1_000;

/**
 * The settings as refresh and registration need them (interval, backup address, the secret's
 * verifier), re-read at most once a second, and at once after this process changed them. A change
 * made by another process reaches this one within a second. Grant decisions never use this copy:
 * they read the locked row.
 */
export class SettingsCache {
  private readonly cache: TtlCache<ServerRow | null>;

  constructor(store: Store, now: () => number = Date.now) {
    this.cache = new TtlCache(TTL_MS, () => store.readServer(), now);
  }

  /** The next read goes to the database (this process changed the settings). */
  invalidate(): void {
    this.cache.invalidate();
  }

  get(): Promise<ServerRow | null> {
    return this.cache.get();
  }
}
