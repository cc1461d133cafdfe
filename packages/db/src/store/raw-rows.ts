import type { ParticipantRecord, ServerRow } from "./rows.ts";

/**
 * The hot statements of a pool transaction are raw SQL (a Prisma model query costs about three
 * times the CPU of the same raw statement); these turn their rows into the db package's plain rows
 * whatever the driver hands back (Date or text for timestamps, 0/1 or booleans, bigint or number).
 */
export const PARTICIPANT_COLUMNS = [
  "id",
  "serial",
  "hostname",
  "model",
  "platformLimit",
  "localLimit",
  "haPeerSerial",
  "approved",
  "tokenHash",
  "granted",
  "pending",
  "pendingSeq",
  "inUse",
  "highWater",
  "registeredAt",
  "lastSeenAt",
  "reclaimedAt",
  "policyGroup",
  "maxGranted",
] as const;

export const SERVER_COLUMNS = [
  "poolSize",
  "grantedTotal",
  "pendingTotal",
  "pendingSeq",
  "secretHash",
  "secretChangedAt",
  "refreshIntervalSec",
  "enabled",
  "approvalRequired",
  "alertThresholdPct",
  "backupAddress",
  "backupSerial",
  "backupPeerSerial",
  "policyVersion",
  "policyHeld",
  "lockVersion",
] as const;

export const columnList = (columns: readonly string[]): string => columns.map((c) => `"${c}"`).join(", ");

type Raw = Record<string, unknown>;

export function recordOf(raw: Raw): ParticipantRecord {
  return {
    id: String(raw.id),
    serial: String(raw.serial),
    hostname: String(raw.hostname),
    model: String(raw.model),
    platformLimit: Number(raw.platformLimit),
    localLimit: Number(raw.localLimit),
    haPeerSerial: nullableString(raw.haPeerSerial),
    approved: asBoolean(raw.approved),
    tokenHash: nullableString(raw.tokenHash),
    granted: Number(raw.granted),
    pending: Number(raw.pending),
    pendingSeq: raw.pendingSeq === null || raw.pendingSeq === undefined ? null : Number(raw.pendingSeq),
    inUse: Number(raw.inUse),
    highWater: Number(raw.highWater),
    registeredAt: asDate(raw.registeredAt),
    lastSeenAt: asDate(raw.lastSeenAt),
    reclaimedAt: raw.reclaimedAt === null || raw.reclaimedAt === undefined ? null : asDate(raw.reclaimedAt),
    policyGroup: nullableString(raw.policyGroup),
    maxGranted: nullableNumber(raw.maxGranted),
  };
}

export function serverOf(raw: Raw): { server: ServerRow; version: number } {
  return {
    server: {
      poolSize: Number(raw.poolSize),
      grantedTotal: Number(raw.grantedTotal),
      pendingTotal: Number(raw.pendingTotal),
      pendingSeq: Number(raw.pendingSeq),
      secretHash: nullableString(raw.secretHash),
      secretChangedAt:
        raw.secretChangedAt === null || raw.secretChangedAt === undefined ? null : asDate(raw.secretChangedAt),
      refreshIntervalSec: Number(raw.refreshIntervalSec),
      enabled: asBoolean(raw.enabled),
      approvalRequired: asBoolean(raw.approvalRequired),
      alertThresholdPct: Number(raw.alertThresholdPct),
      backupAddress: nullableString(raw.backupAddress),
      backupSerial: nullableString(raw.backupSerial),
      backupPeerSerial: nullableString(raw.backupPeerSerial),
      policyVersion: nullableNumber(raw.policyVersion),
      policyHeld: heldOf(raw.policyHeld),
    },
    version: Number(raw.lockVersion),
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * The last Server.policyHeld text read or written and its counters (frozen, so they can be
 * shared): every pool transaction reads the text the one before wrote, so it is parsed once.
 */
let lastHeld: { text: string; held: Readonly<Record<string, number>> } | null = null;

/** Server.policyHeld as this package writes it. */
export function heldText(held: Record<string, number>): string {
  const text = JSON.stringify(held);
  lastHeld = { text, held: Object.freeze({ ...held }) };
  return text;
}

/** Server.policyHeld: JSON written only by this package ({"group": held}); anything else is a broken row. */
export function heldOf(value: unknown): Record<string, number> | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (lastHeld !== null && lastHeld.text === text) return lastHeld.held;
  const held = parseHeld(text);
  lastHeld = { text, held: Object.freeze(held) };
  return held;
}

function parseHeld(value: string): Record<string, number> {
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Server.policyHeld is not an object of group counters: ${String(value).slice(0, 80)}`);
  }
  const held: Record<string, number> = {};
  for (const [name, n] of Object.entries(parsed)) {
    if (!Number.isInteger(n) || (n as number) < 0)
      throw new Error(`Server.policyHeld of group ${name} is ${String(n)}`);
    held[name] = n as number;
  }
  return held;
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function asBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "true";
}

export function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  const text = String(value);
  // PostgreSQL's TIMESTAMP(3) holds UTC without a zone, and so does its JSON (the pool lock's
  // reads): read it as UTC, not as the machine's local time.
  return new Date(NAIVE_TIMESTAMP.test(text) ? `${text}Z` : text);
}

const NAIVE_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;
