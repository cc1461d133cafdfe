import { Store } from "@sls/db";

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
}

/**
 * After a run: what each participant's last answer said it holds is what the database holds
 * (so the grant was committed before the answer), and the three ledgers agree.
 * `acknowledged` maps serial → granted in its last answer; calls still in flight when the load
 * stopped are left out, since their answer never came.
 */
export async function checkLedger(databaseUrl: string, acknowledged: Map<string, number>): Promise<LedgerCheck> {
  const store = Store.open(databaseUrl);
  try {
    const [rows, server, ledger] = await Promise.all([store.listParticipants(), store.readServer(), store.ledger()]);
    let compared = 0;
    let mismatches = 0;
    let participantsGranted = 0;
    for (const row of rows) {
      participantsGranted += row.granted;
      const expected = acknowledged.get(row.serial);
      if (expected === undefined) continue;
      compared += 1;
      if (expected !== row.granted) mismatches += 1;
    }
    const serverGrantedTotal = server?.grantedTotal ?? Number.NaN;
    const auditGrantedDelta = ledger.auditGrantedSum;
    return {
      compared,
      mismatches,
      ledgersAgree: participantsGranted === serverGrantedTotal && serverGrantedTotal === auditGrantedDelta,
      participantsGranted,
      serverGrantedTotal,
      auditGrantedDelta,
    };
  } finally {
    await store.close();
  }
}
