import { checkInvariants } from "@sls/allocator";
import { Store } from "@sls/db";
import { expect } from "vitest";

/** Opens the database directly and checks every invariant of the spec and the ledger. */
export async function expectDatabaseInvariants(
  databaseUrl: string,
): Promise<{ grantedSum: number; pendingSum: number }> {
  const store = Store.open(databaseUrl);
  try {
    const [row, participants, ledger] = await Promise.all([
      store.readServer(),
      store.listParticipants(),
      store.ledger(),
    ]);
    const pool = {
      poolSize: row!.poolSize,
      grantedTotal: row!.grantedTotal,
      pendingTotal: row!.pendingTotal,
      pendingSeq: row!.pendingSeq,
    };
    expect(
      checkInvariants(
        pool,
        participants.map((p) => ({ ...p, lastSeenAt: p.lastSeenAt.getTime() })),
      ),
    ).toEqual([]);
    expect(ledger.grantedSum).toBeLessThanOrEqual(row!.poolSize);
    expect(ledger.auditGrantedSum).toBe(ledger.grantedSum);
    expect(ledger.auditPendingSum).toBe(ledger.pendingSum);
    return ledger;
  } finally {
    await store.close();
  }
}
