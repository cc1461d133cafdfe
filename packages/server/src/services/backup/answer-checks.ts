import { checkInvariants, type PoolSnapshot } from "@sls/allocator";
import type { ParticipantRecord, Sums } from "@sls/db";
import { toSnapshot } from "../pool/allocation.ts";

/**
 * The pool invariants over the state an answer from the other server would leave: Σ granted ≤
 * pool size, every participant within its platform limit, the counters equal to the sums, no
 * idle sessions while demand is pending. An answer may list only some participants (a sync's
 * delta, the participants a backup changed); `untouched` then holds Σ granted and Σ pending of
 * the others, so the check covers the whole pool without listing it. Null: `listed` is all.
 */
export function poolViolations(pool: PoolSnapshot, listed: ParticipantRecord[], untouched: Sums | null): string[] {
  const others = untouched ?? { granted: 0, pending: 0 };
  const violations = checkInvariants(
    {
      poolSize: pool.poolSize - others.granted,
      grantedTotal: pool.grantedTotal - others.granted,
      pendingTotal: pool.pendingTotal - others.pending,
      pendingSeq: pool.pendingSeq,
    },
    listed.map(toSnapshot),
  );
  if (untouched === null || violations.length === 0) return violations;
  const note = `(over the ${listed.length} participants listed; the others hold ${others.granted} granted and ${others.pending} pending)`;
  return violations.map((v) => `${v} ${note}`);
}
