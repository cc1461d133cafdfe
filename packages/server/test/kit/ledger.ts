// The one ledger check of the tests and the benchmark. It throws instead of using vitest's
// `expect`, so that the benchmark (which has no vitest) can use it too, and loads Prisma only
// when called, so that the browser tests importing `@sls/server/testing` do not.
import { checkInvariants, type PolicyState } from "@sls/allocator";
import type { Store } from "@sls/db";
import type { LedgerSnapshot } from "@sls/db/testing";

/** A store already open (an in-process server's), or a database URL opened and closed here. */
export type LedgerSource = Store | string;

export interface LedgerSums {
  /** Σ Participant.granted. */
  grantedSum: number;
  /** Σ Participant.pending. */
  pendingSum: number;
}

export interface LedgerReading extends LedgerSums {
  poolSize: number;
  /** Server.grantedTotal (NaN when there is no Server row). */
  grantedTotal: number;
  /** Server.pendingTotal (NaN when there is no Server row). */
  pendingTotal: number;
  /** Σ AuditEvent.grantedDelta. */
  auditGrantedSum: number;
  /** Σ AuditEvent.pendingDelta. */
  auditPendingSum: number;
  /** Serial → granted of every participant. */
  grantedBySerial: Map<string, number>;
  /** One sentence per broken invariant; empty when the ledger is balanced. */
  violations: string[];
}

/**
 * Reads the whole database and checks every invariant of the spec and of the ledger:
 * the allocator's `checkInvariants` over the pool and all participants (Σ granted ≤ pool size,
 * Server.grantedTotal = Σ granted, Server.pendingTotal = Σ pending, each participant within its
 * platform limit, the pending queue's numbering, nothing idle while sessions are pending), and
 * Σ granted = Server.grantedTotal = Σ AuditEvent.grantedDelta, Σ pending = Server.pendingTotal =
 * Σ AuditEvent.pendingDelta, Σ granted ≤ pool size. Under a pool policy `checkInvariants` also
 * checks its rules that hold in every state (each group's held counter, no waiting participant
 * with room, the reservations within the pool).
 */
export async function readLedger(source: LedgerSource): Promise<LedgerReading> {
  if (typeof source !== "string") return readFrom(source);
  const { Store } = await import("@sls/db");
  const store = Store.open(source);
  try {
    return await readFrom(store);
  } finally {
    await store.close();
  }
}

async function readFrom(store: Store): Promise<LedgerReading> {
  const { ledgerSnapshot } = await import("@sls/db/testing");
  const { server: row, participants, ...sums } = await ledgerSnapshot(store);
  const violations: string[] = [];
  const grantedBySerial = new Map(participants.map((p) => [p.serial, p.granted]));
  if (!row) {
    violations.push("there is no Server row");
    return {
      ...sums,
      poolSize: Number.NaN,
      grantedTotal: Number.NaN,
      pendingTotal: Number.NaN,
      grantedBySerial,
      violations,
    };
  }
  violations.push(
    ...checkInvariants(
      {
        poolSize: row.poolSize,
        grantedTotal: row.grantedTotal,
        pendingTotal: row.pendingTotal,
        pendingSeq: row.pendingSeq,
      },
      participants.map((p) => ({
        ...p,
        lastSeenAt: p.lastSeenAt.getTime(),
        ...(p.policyGroup !== null && { group: p.policyGroup }),
      })),
      await policyOf(store, row),
    ),
  );
  const { grantedSum, pendingSum, auditGrantedSum, auditPendingSum } = sums;
  if (grantedSum !== row.grantedTotal)
    violations.push(`Σ Participant.granted ${grantedSum} differs from Server.grantedTotal ${row.grantedTotal}`);
  if (pendingSum !== row.pendingTotal)
    violations.push(`Σ Participant.pending ${pendingSum} differs from Server.pendingTotal ${row.pendingTotal}`);
  if (auditGrantedSum !== grantedSum)
    violations.push(`Σ AuditEvent.grantedDelta ${auditGrantedSum} differs from Σ Participant.granted ${grantedSum}`);
  if (auditPendingSum !== pendingSum)
    violations.push(`Σ AuditEvent.pendingDelta ${auditPendingSum} differs from Σ Participant.pending ${pendingSum}`);
  if (grantedSum > row.poolSize)
    violations.push(`Σ Participant.granted ${grantedSum} exceeds Server.poolSize ${row.poolSize}`);
  return {
    ...sums,
    poolSize: row.poolSize,
    grantedTotal: row.grantedTotal,
    pendingTotal: row.pendingTotal,
    grantedBySerial,
    violations,
  };
}

/** The pool policy in force with the held counters of `row` (a version never changes once saved). */
async function policyOf(store: Store, row: NonNullable<LedgerSnapshot["server"]>): Promise<PolicyState | undefined> {
  if (row.policyVersion === null) return undefined;
  const saved = (await store.policyHistory()).find((v) => v.version === row.policyVersion);
  if (!saved) throw new Error(`Server.policyVersion ${row.policyVersion} is not stored`);
  const { definitionOf, policyStateOf } = await import("../../src/services/pool/policy-in-force.ts");
  return policyStateOf(definitionOf(saved), row.policyHeld ?? {});
}

/**
 * Fails (throws, naming every broken invariant with its figures) unless the ledger is balanced;
 * see `readLedger` for what is checked. Returns Σ granted and Σ pending for further assertions.
 */
export async function expectLedgerBalanced(source: LedgerSource): Promise<LedgerSums> {
  const reading = await readLedger(source);
  if (reading.violations.length > 0) {
    throw new Error(
      `the ledger is not balanced (${reading.violations.length} broken):\n${reading.violations.map((v) => `  - ${v}`).join("\n")}`,
    );
  }
  return { grantedSum: reading.grantedSum, pendingSum: reading.pendingSum };
}

/** The benchmark's report of a run's ledger (stored in bench/results as JSON). */
export interface LedgerCheck {
  /** Participants whose last answer could be compared with the database (none of their calls was cut off). */
  compared: number;
  /** Participants whose granted in the database differs from what their last answer said. */
  mismatches: number;
  /** Σ Participant.granted = Server.grantedTotal = Σ AuditEvent.grantedDelta. */
  ledgersAgree: boolean;
  participantsGranted: number;
  serverGrantedTotal: number;
  auditGrantedDelta: number;
  /** Every broken invariant (`readLedger`), the three ledgers' disagreement included; empty when sound. */
  violations: string[];
}

/**
 * After a benchmark run: what each participant's last answer said it holds is what the database
 * holds (so the grant was committed before the answer), the three ledgers agree, and every other
 * invariant of `readLedger` holds. `acknowledged` maps serial → granted in its last answer; calls
 * still in flight when the load stopped are left out, since their answer never came. Reports,
 * does not throw.
 */
export async function checkLedger(databaseUrl: string, acknowledged: Map<string, number>): Promise<LedgerCheck> {
  const reading = await readLedger(databaseUrl);
  let compared = 0;
  let mismatches = 0;
  for (const [serial, granted] of reading.grantedBySerial) {
    const expected = acknowledged.get(serial);
    if (expected === undefined) continue;
    compared += 1;
    if (expected !== granted) mismatches += 1;
  }
  return {
    compared,
    mismatches,
    ledgersAgree: reading.grantedSum === reading.grantedTotal && reading.grantedTotal === reading.auditGrantedSum,
    participantsGranted: reading.grantedSum,
    serverGrantedTotal: reading.grantedTotal,
    auditGrantedDelta: reading.auditGrantedSum,
    violations: reading.violations,
  };
}
