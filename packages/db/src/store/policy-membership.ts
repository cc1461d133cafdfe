import { chunked } from "./bulk-sql.ts";
import type { Dialect } from "./dialect.ts";
import type { PolicyMembership } from "./rows.ts";

/** What deciding a participant's pool-policy group reads, and the membership it has stored. */
export interface MembershipRow extends PolicyMembership {
  id: string;
  serial: string;
  hostname: string;
}

/** One participant's new membership, to be written. */
export type MembershipWrite = { id: string } & PolicyMembership;

/** Each group's members and their Σ granted and Σ pending, as the database has them. */
export interface GroupTotalsRow {
  policyGroup: string | null;
  members: number;
  granted: number;
  pending: number;
}

type Raw = Record<string, unknown>;
type Query = (sql: string, ...params: unknown[]) => Promise<Raw[]>;
type Execute = (sql: string, ...params: unknown[]) => Promise<unknown>;

export const MEMBERSHIP_SQL = `SELECT "id", "serial", "hostname", "policyGroup", "maxGranted" FROM "Participant"`;

export function membershipRowOf(raw: Raw): MembershipRow {
  return {
    id: String(raw.id),
    serial: String(raw.serial),
    hostname: String(raw.hostname),
    policyGroup: raw.policyGroup === null || raw.policyGroup === undefined ? null : String(raw.policyGroup),
    maxGranted: raw.maxGranted === null || raw.maxGranted === undefined ? null : Number(raw.maxGranted),
  };
}

/** Ids per statement: the values are few (a group and a cap), the ids many. */
const IDS_PER_STATEMENT = 5_000;

/**
 * Writes memberships with one `UPDATE … WHERE "id" IN (…)` per distinct (group, cap) and chunk of
 * ids, stamped with `changeSeq`: a policy change gives thousands of participants one of a few
 * values, far cheaper to bind and run than one VALUES row per participant.
 */
export async function writeMemberships(
  execute: Execute,
  dialect: Dialect,
  writes: readonly MembershipWrite[],
  changeSeq: number,
): Promise<void> {
  const byValue = new Map<string, { membership: PolicyMembership; ids: string[] }>();
  for (const { id, policyGroup, maxGranted } of writes) {
    const key = `${policyGroup ?? ""}\u0000${maxGranted ?? ""}`;
    const entry = byValue.get(key) ?? { membership: { policyGroup, maxGranted }, ids: [] };
    entry.ids.push(id);
    byValue.set(key, entry);
  }
  for (const { membership, ids } of byValue.values()) {
    for (const chunk of chunked(ids, IDS_PER_STATEMENT)) {
      const marks = chunk.map((_, i) => dialect.placeholder(i + 4, "text")).join(", ");
      await execute(
        `UPDATE "Participant" SET "policyGroup" = ${dialect.placeholder(1, "text")}, "maxGranted" = ${dialect.placeholder(2, "int")}, "changeSeq" = ${dialect.placeholder(3, "bigint")} WHERE "id" IN (${marks})`,
        membership.policyGroup,
        membership.maxGranted,
        dialect.bind("bigint", changeSeq),
        ...chunk,
      );
    }
  }
}

export async function groupTotals(query: Query): Promise<GroupTotalsRow[]> {
  const rows = await query(
    `SELECT "policyGroup", COUNT(*) AS "members", COALESCE(SUM("granted"), 0) AS "granted", COALESCE(SUM("pending"), 0) AS "pending" FROM "Participant" GROUP BY "policyGroup"`,
  );
  return rows.map((r) => ({
    policyGroup: r.policyGroup === null || r.policyGroup === undefined ? null : String(r.policyGroup),
    members: Number(r.members),
    granted: Number(r.granted),
    pending: Number(r.pending),
  }));
}
