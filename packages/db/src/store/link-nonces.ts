import type { Db } from "../client.ts";

/**
 * The backup link's accepted request nonces, shared by every process on the database: claiming a
 * nonce is an insert that fails on a duplicate, so exactly one claim of each nonce succeeds.
 */
export class LinkNonceRepository {
  constructor(private readonly db: Db) {}

  /** Records the nonce of a message stamped `at`; false when it was already claimed (a replay). */
  async claim(nonce: string, at: Date): Promise<boolean> {
    try {
      await this.db.linkNonce.create({ data: { nonce, at } });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") return false;
      throw error;
    }
  }

  /** Forgets nonces of messages stamped before `cutoff`; returns how many went. */
  async pruneBefore(cutoff: Date): Promise<number> {
    const { count } = await this.db.linkNonce.deleteMany({ where: { at: { lt: cutoff } } });
    return count;
  }
}
