import { MINUTE_MS } from "@sls/allocator";
import type { LinkNonceRepository } from "@sls/db";
import { LINK_SKEW_MS, type NonceClaims } from "./link-key.ts";

/** Nonces are kept this long past their stamp: twice the skew, so processes whose clocks differ by up to the skew agree. */
const KEPT_MS = 2 * LINK_SKEW_MS;
/** Old nonces are deleted at most this often, by the process that claims one. */
const PRUNE_EVERY_MS = MINUTE_MS;

/**
 * The backup-link request nonces seen within the allowed clock skew, in the database: a claim is
 * an insert that fails on a duplicate, so a request is accepted once by all the processes on the
 * database together, and still after a restart. Messages stamped outside the skew are refused
 * before they get here (BackupLink), so forgetting older nonces lets no replay through.
 */
export class SeenNonces implements NonceClaims {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly nonces: LinkNonceRepository) {}

  async claim(nonce: string, at: number, now: number): Promise<boolean> {
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.nonces.pruneBefore(new Date(now - KEPT_MS));
    }
    return this.nonces.claim(nonce, new Date(at));
  }
}

const perStore = new WeakMap<LinkNonceRepository, SeenNonces>();

/** The one SeenNonces of this process for a database (so pruning runs once a minute, not per call). */
export function seenNonces(nonces: LinkNonceRepository): SeenNonces {
  let seen = perStore.get(nonces);
  if (!seen) {
    seen = new SeenNonces(nonces);
    perStore.set(nonces, seen);
  }
  return seen;
}
