import { expect } from "vitest";
import type { TestServer } from "./harness.ts";

/** Σ granted = pool counter = Σ of the audit history's deltas (invariants 1, 4 and 5). */
export async function expectLedgerBalanced(server: Pick<TestServer, "running">): Promise<void> {
  const store = server.running.services.store;
  const [ledger, row] = await Promise.all([store.ledger(), store.readServer()]);
  expect(ledger.grantedSum).toBe(row!.grantedTotal);
  expect(ledger.pendingSum).toBe(row!.pendingTotal);
  expect(ledger.auditGrantedSum).toBe(ledger.grantedSum);
  expect(ledger.auditPendingSum).toBe(ledger.pendingSum);
  expect(ledger.grantedSum).toBeLessThanOrEqual(row!.poolSize);
}
