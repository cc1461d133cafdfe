import type { ParticipantRecord, StateSnapshot } from "@sls/db";
import { z } from "zod";

const ZIso = z.iso.datetime({ offset: true });

export const ZWireParticipant = z.object({
  id: z.string(),
  serial: z.string(),
  hostname: z.string(),
  model: z.string(),
  platformLimit: z.number().int(),
  localLimit: z.number().int(),
  haPeerSerial: z.string().nullable(),
  approved: z.boolean(),
  tokenHash: z.string().nullable(),
  granted: z.number().int(),
  pending: z.number().int(),
  pendingSeq: z.number().int().nullable(),
  inUse: z.number().int(),
  highWater: z.number().int(),
  registeredAt: ZIso,
  lastSeenAt: ZIso,
  reclaimedAt: ZIso.nullable(),
});

/** Everything a backup needs to serve in the main server's place (spec: settings, the secret's verifier, participants). */
export const ZWireSnapshot = z.object({
  server: z.object({
    poolSize: z.number().int(),
    grantedTotal: z.number().int(),
    pendingTotal: z.number().int(),
    pendingSeq: z.number().int(),
    secretHash: z.string().nullable(),
    secretChangedAt: ZIso.nullable(),
    refreshIntervalSec: z.number().int(),
    enabled: z.boolean(),
    approvalRequired: z.boolean(),
    alertThresholdPct: z.number().int(),
    backupAddress: z.string().nullable(),
    backupSerial: z.string().nullable(),
    backupPeerSerial: z.string().nullable(),
  }),
  participants: z.array(ZWireParticipant),
  counters: z.array(
    z.object({ serverId: z.string(), messageType: z.string(), received: z.number().int(), answered: z.number().int(), failed: z.number().int() }),
  ),
});
export type TWireSnapshot = z.infer<typeof ZWireSnapshot>;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
const date = (s: string) => new Date(s);
const dateOrNull = (s: string | null) => (s ? new Date(s) : null);

export function snapshotToWire(snapshot: StateSnapshot, counters: TWireSnapshot["counters"]): TWireSnapshot {
  const { server } = snapshot;
  return {
    server: {
      poolSize: server.poolSize,
      grantedTotal: server.grantedTotal,
      pendingTotal: server.pendingTotal,
      pendingSeq: server.pendingSeq,
      secretHash: server.secretHash,
      secretChangedAt: isoOrNull(server.secretChangedAt),
      refreshIntervalSec: server.refreshIntervalSec,
      enabled: server.enabled,
      approvalRequired: server.approvalRequired,
      alertThresholdPct: server.alertThresholdPct,
      backupAddress: server.backupAddress,
      backupSerial: server.backupSerial,
      backupPeerSerial: server.backupPeerSerial,
    },
    participants: snapshot.participants.map(participantToWire),
    counters,
  };
}

export function participantToWire(p: ParticipantRecord): TWireSnapshot["participants"][number] {
  return { ...p, registeredAt: iso(p.registeredAt), lastSeenAt: iso(p.lastSeenAt), reclaimedAt: isoOrNull(p.reclaimedAt) };
}

export function participantFromWire(p: TWireSnapshot["participants"][number]): ParticipantRecord {
  return { ...p, registeredAt: date(p.registeredAt), lastSeenAt: date(p.lastSeenAt), reclaimedAt: dateOrNull(p.reclaimedAt) };
}

export function snapshotFromWire(wire: TWireSnapshot): StateSnapshot {
  return {
    server: { ...wire.server, secretChangedAt: dateOrNull(wire.server.secretChangedAt) },
    participants: wire.participants.map(participantFromWire),
  };
}
