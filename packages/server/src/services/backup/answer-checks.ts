import { checkInvariants } from "@sls/allocator";
import type { ParticipantRecord, ServerRow, StateChanges, Sums } from "@sls/db";
import { toSnapshot } from "../allocation.ts";

/**
 * The pool invariants over the state a sync would leave on the backup: Σ granted ≤ pool size,
 * every participant within its platform limit, the counters equal to the sums, no idle sessions
 * while demand is pending. A delta lists only the participants it changes; the others'
 * (`untouched`) sums come from the backup's own database, so the check covers the whole pool
 * without reading it.
 */
export function syncViolations(changes: StateChanges, untouched: Sums): string[] {
  const { server } = changes;
  const violations = checkInvariants(
    {
      poolSize: server.poolSize - untouched.granted,
      grantedTotal: server.grantedTotal - untouched.granted,
      pendingTotal: server.pendingTotal - untouched.pending,
      pendingSeq: server.pendingSeq,
    },
    changes.participants.map(toSnapshot),
  );
  if (changes.full || violations.length === 0) return violations;
  const note = `(over the ${changes.participants.length} participants this sync changes; the others hold ${untouched.granted} granted and ${untouched.pending} pending)`;
  return violations.map((v) => `${v} ${note}`);
}

/** The pool invariants over a backup's whole state, as it hands it back. */
export function handbackViolations(pool: Pick<ServerRow, "poolSize" | "grantedTotal" | "pendingTotal" | "pendingSeq">, participants: ParticipantRecord[]): string[] {
  return checkInvariants(pool, participants.map(toSnapshot));
}
