import { heldOf } from "./raw-rows.ts";
import type { ParticipantRecord, ServerRow } from "./rows.ts";

export const serverSelect = {
  poolSize: true,
  grantedTotal: true,
  pendingTotal: true,
  pendingSeq: true,
  secretHash: true,
  secretChangedAt: true,
  refreshIntervalSec: true,
  enabled: true,
  approvalRequired: true,
  alertThresholdPct: true,
  backupAddress: true,
  backupSerial: true,
  backupPeerSerial: true,
  policyVersion: true,
  policyHeld: true,
} as const;

/** A Server row read through `serverSelect`, its policy counters parsed. */
export function toServerRow<T extends { policyHeld: string | null }>(
  row: T,
): Omit<T, "policyHeld"> & Pick<ServerRow, "policyHeld"> {
  return { ...row, policyHeld: heldOf(row.policyHeld) };
}

export const participantSelect = {
  id: true,
  serial: true,
  hostname: true,
  model: true,
  platformLimit: true,
  localLimit: true,
  haPeerSerial: true,
  approved: true,
  granted: true,
  pending: true,
  pendingSeq: true,
  inUse: true,
  highWater: true,
  registeredAt: true,
  lastSeenAt: true,
  reclaimedAt: true,
  policyGroup: true,
  maxGranted: true,
} as const;

export const recordSelect = { ...participantSelect, tokenHash: true } as const;

/** A participant record with exactly the fields of `recordSelect`, whatever else the row carried. */
export function toRecord(p: ParticipantRecord): ParticipantRecord {
  return Object.fromEntries(
    Object.keys(recordSelect).map((key) => [key, p[key as keyof ParticipantRecord]]),
  ) as unknown as ParticipantRecord;
}
