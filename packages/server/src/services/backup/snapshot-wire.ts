import type { ParticipantRecord, PolicyVersionRow, ServerRow, StateChanges } from "@sls/db";
import { z } from "zod";
import { ZOutageStory } from "./outage-wire.ts";
import { ZPolicyDefinition } from "../../contracts/admin/policy.ts";
import { definitionOf } from "../pool/policy-in-force.ts";

const ZIso = z.iso.datetime({ offset: true });
const ZCount = z.number().int().min(0);
/** A change sequence number (Server.lockVersion), as decimal text: it is a BIGINT. */
const ZSeq = z.string().regex(/^\d{1,19}$/, "must be a whole number");

const ZWireParticipant = z.object({
  id: z.string().min(1).max(64),
  serial: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  hostname: z.string().min(1).max(253),
  model: z.string().min(1).max(64),
  platformLimit: ZCount,
  localLimit: ZCount,
  haPeerSerial: z.string().max(64).nullable(),
  approved: z.boolean(),
  tokenHash: z.string().max(128).nullable(),
  granted: ZCount,
  pending: ZCount,
  pendingSeq: ZCount.nullable(),
  inUse: ZCount,
  highWater: ZCount,
  registeredAt: ZIso,
  lastSeenAt: ZIso,
  reclaimedAt: ZIso.nullable(),
  // Absent from an older main server's answer.
  policyGroup: z.string().max(40).nullable().default(null),
  maxGranted: ZCount.nullable().default(null),
});
type TWireParticipant = z.infer<typeof ZWireParticipant>;

/** The pool counters and settings a backup needs to serve (spec: settings and the secret's verifier). */
const ZWireServer = z.object({
  poolSize: ZCount,
  grantedTotal: ZCount,
  pendingTotal: ZCount,
  pendingSeq: ZCount,
  secretHash: z.string().max(512).nullable(),
  secretChangedAt: ZIso.nullable(),
  refreshIntervalSec: z.number().int().min(1),
  enabled: z.boolean(),
  approvalRequired: z.boolean(),
  alertThresholdPct: z.number().int().min(0).max(100),
  backupAddress: z.string().max(300).nullable(),
  backupSerial: z.string().max(64).nullable(),
  backupPeerSerial: z.string().max(64).nullable(),
});

/** The main server's pool policy in force, with its groups' held counters: the backup applies the same rules. */
const ZWirePolicy = z.object({
  version: z.number().int().min(1),
  savedBy: z.string().max(200),
  savedAt: ZIso,
  restores: z.number().int().min(1).nullable(),
  definition: ZPolicyDefinition,
  held: z.record(z.string().max(40), ZCount),
});

/** What the backup asks of backup.sync: its own state for the main server's overview, and where it stands. */
export const ZSyncRequest = z.object({
  active: z.boolean(),
  remainingMs: z.number().min(0),
  /** The main server's change sequence number the backup last applied; null asks for a full snapshot. */
  after: ZSeq.nullable(),
  /** The main database's identity at that number; another one means the database was replaced. */
  epoch: z.string().max(64).nullable(),
});
export type TSyncRequest = z.infer<typeof ZSyncRequest>;

/**
 * backup.sync's answer: a full snapshot (`full`, every participant) or the changes after the
 * asked number (participants whose changeSeq is greater, and the removals), with the settings,
 * pool counters and message counters as they are at `seq`.
 */
export const ZSyncAnswer = z
  .object({
    epoch: z.string().max(64),
    seq: ZSeq,
    full: z.boolean(),
    server: ZWireServer,
    // Absent from an older main server's answer: no policy.
    policy: ZWirePolicy.nullable().default(null),
    participants: z.array(ZWireParticipant),
    removed: z.array(z.string().min(1).max(64)),
    counters: z.array(
      z.object({ serverId: z.string(), messageType: z.string(), received: ZCount, answered: ZCount, failed: ZCount }),
    ),
  })
  .refine((a) => !a.full || a.removed.length === 0, { path: ["removed"], message: "must be empty in a full snapshot" })
  .refine((a) => new Set(a.participants.map((p) => p.id)).size === a.participants.length, {
    path: ["participants"],
    message: "must not list a participant twice",
  });
export type TSyncAnswer = z.infer<typeof ZSyncAnswer>;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
const dateOrNull = (s: string | null) => (s ? new Date(s) : null);

export function serverToWire(server: ServerRow): TSyncAnswer["server"] {
  const { policyVersion: _version, policyHeld: _held, ...settings } = server;
  return { ...settings, secretChangedAt: isoOrNull(server.secretChangedAt) };
}

function serverFromWire(server: TSyncAnswer["server"], policy: TSyncAnswer["policy"]): ServerRow {
  return {
    ...server,
    secretChangedAt: dateOrNull(server.secretChangedAt),
    policyVersion: policy?.version ?? null,
    policyHeld: policy?.held ?? null,
  };
}

export function policyToWire(server: ServerRow, policy: PolicyVersionRow | null): TSyncAnswer["policy"] {
  if (!policy) return null;
  const { version, savedBy, savedAt, restores } = policy;
  return {
    version,
    savedBy,
    savedAt: iso(savedAt),
    restores,
    definition: definitionOf(policy),
    held: server.policyHeld ?? {},
  };
}

function policyFromWire(policy: TSyncAnswer["policy"]): PolicyVersionRow | null {
  if (!policy) return null;
  const { version, savedBy, savedAt, restores, definition } = policy;
  return { version, savedBy, savedAt: new Date(savedAt), restores, definition: JSON.stringify(definition) };
}

export function participantToWire(p: ParticipantRecord): TWireParticipant {
  // Any field beyond the wire's is dropped by the receiver's schema.
  return {
    ...p,
    registeredAt: iso(p.registeredAt),
    lastSeenAt: iso(p.lastSeenAt),
    reclaimedAt: isoOrNull(p.reclaimedAt),
  };
}

export function participantFromWire(p: TWireParticipant): ParticipantRecord {
  return {
    ...p,
    registeredAt: new Date(p.registeredAt),
    lastSeenAt: new Date(p.lastSeenAt),
    reclaimedAt: dateOrNull(p.reclaimedAt),
  };
}

export function changesFromWire(answer: TSyncAnswer): StateChanges {
  const participants = answer.participants.map(participantFromWire);
  const listed = new Set(participants.map((p) => p.id));
  return {
    full: answer.full,
    server: serverFromWire(answer.server, answer.policy),
    policy: policyFromWire(answer.policy),
    participants,
    // A participant removed and listed again (its row came back) is kept.
    removed: answer.removed.filter((id) => !listed.has(id)),
  };
}

/** backup.handback's request: nothing but the seal (its time and nonce make it single use). */
export const ZHandbackRequest = z.object({ handback: z.literal(true) });

export const ZHandbackAnswer = z
  .object({
    wasActive: z.boolean(),
    /** The backup's pool counters, so the main server can check the state it is handed. */
    pool: z.object({ poolSize: ZCount, grantedTotal: ZCount, pendingTotal: ZCount, pendingSeq: ZCount }),
    /**
     * The participants the backup changed (granted, pending, token) while it served, whole; the
     * main server takes only those fields from them (handback-merge.ts).
     */
    participants: z.array(ZWireParticipant),
    /** Σ granted and Σ pending of the backup's other participants, for the invariant check. */
    untouched: z.object({ granted: ZCount, pending: ZCount }),
    /** The other participants that renewed their lease on the backup: id and last seen. */
    seen: z.array(z.tuple([z.string().min(1).max(64), ZIso])),
    /** The backup's alerts while it served: a couple per outage, so a long list is not an honest one. */
    alerts: z.array(z.object({ at: ZIso, detail: z.string().max(4096).nullable() })).max(100),
    /** What the backup did while it served, for the outage report; absent from a backup that predates it. */
    outage: ZOutageStory.optional(),
  })
  .refine((a) => new Set(a.participants.map((p) => p.id)).size === a.participants.length, {
    path: ["participants"],
    message: "must not list a participant twice",
  });
export type THandbackAnswer = z.infer<typeof ZHandbackAnswer>;
