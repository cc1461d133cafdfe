import { setImmediate } from "node:timers/promises";
import { DEFAULT_GROUP, type PolicyDefinition } from "@sls/allocator";
import type { MembershipWrite, PolicyMembership, PoolTransaction, Store } from "@sls/db";
import { membershipOf } from "./policy-in-force.ts";

interface Decided extends PolicyMembership {
  serial: string;
  /** As stored when last read: written again only when it differs. */
  stored: PolicyMembership;
}

/**
 * Every participant's membership under a new policy, decided from a snapshot taken without the
 * pool lock (matching 200 patterns against 100,000 participants takes a second or more, which the
 * appliances' calls need not wait for), and the change sequence the snapshot is current to.
 */
export interface DecidedMembership {
  seq: number;
  byId: Map<string, Decided>;
}

/** Rows read and matched at a time (a few milliseconds' work); the appliances' calls run between pages. */
const PAGE = 500;

export async function decideMembership(store: Store, definition: PolicyDefinition): Promise<DecidedMembership> {
  // Read first: whatever committed up to it is in the pages read after, and later writes carry a greater changeSeq.
  const seq = await store.changeSequence();
  const byId = new Map<string, Decided>();
  for (let after: string | null = null; ; ) {
    const rows = await store.membershipPage(after, PAGE);
    for (const row of rows) byId.set(row.id, decideOne(definition, row));
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
    await setImmediate();
  }
  return { seq, byId };
}

/**
 * Under the pool lock: decides again the participants written since the snapshot (registered,
 * re-registered under another hostname) and forgets those removed, then writes every membership
 * that differs from the stored one. Afterwards `decided` is every participant's membership now.
 */
export async function settleMembership(
  tx: PoolTransaction,
  definition: PolicyDefinition,
  decided: DecidedMembership,
): Promise<void> {
  for (const row of await tx.participantsChangedSince(decided.seq))
    decided.byId.set(row.id, decideOne(definition, row));
  for (const id of await tx.removedSince(decided.seq)) decided.byId.delete(id);
  const writes: MembershipWrite[] = [];
  for (const [id, d] of decided.byId) {
    if (d.policyGroup !== d.stored.policyGroup || d.maxGranted !== d.stored.maxGranted) {
      writes.push({ id, policyGroup: d.policyGroup, maxGranted: d.maxGranted });
    }
  }
  await tx.writeMemberships(writes);
}

/** The serials of each group's members, by group name, from settled memberships. */
export function serialsByGroup(decided: DecidedMembership): Map<string, string[]> {
  const serials = new Map<string, string[]>();
  for (const d of decided.byId.values()) {
    const name = d.policyGroup ?? DEFAULT_GROUP;
    const list = serials.get(name);
    if (list) list.push(d.serial);
    else serials.set(name, [d.serial]);
  }
  return serials;
}

function decideOne(
  definition: PolicyDefinition,
  row: { serial: string; hostname: string } & PolicyMembership,
): Decided {
  return {
    serial: row.serial,
    ...membershipOf(definition, row),
    stored: { policyGroup: row.policyGroup, maxGranted: row.maxGranted },
  };
}
