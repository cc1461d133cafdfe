import { DEFAULT_GROUP, grantRoom, groupName, reservedTotal } from "./groups";
import type { ParticipantSnapshot, PolicyState, PoolSnapshot } from "./types";

/**
 * Checks the protocol's invariants over the pool and ALL its participants (not a slice), plus
 * the bookkeeping the allocator relies on, and with a policy the rules that hold in any one
 * state. Returns one sentence per violation; empty when sound.
 */
export function checkInvariants(
  pool: PoolSnapshot,
  participants: readonly ParticipantSnapshot[],
  policy?: PolicyState,
): string[] {
  const violations: string[] = [];
  let grantedSum = 0;
  let pendingSum = 0;
  const seqOwner = new Map<number, string>();

  for (const p of participants) {
    const who = `participant ${p.serial} (${p.id})`;
    grantedSum += p.granted;
    pendingSum += p.pending;
    if (!isCount(p.granted)) violations.push(`${who}: granted must be a whole number ≥ 0; is ${p.granted}`);
    if (!isCount(p.pending)) violations.push(`${who}: pending must be a whole number ≥ 0; is ${p.pending}`);
    const total = p.localLimit + p.granted + p.pending;
    if (total > p.platformLimit) {
      violations.push(
        `${who}: localLimit ${p.localLimit} + granted ${p.granted} + pending ${p.pending} = ${total} exceeds platformLimit ${p.platformLimit}`,
      );
    }
    if ((p.pendingSeq === null) !== (p.pending === 0)) {
      violations.push(
        `${who}: pendingSeq is ${p.pendingSeq} with pending ${p.pending}; it must be null exactly when pending is 0`,
      );
    }
    if (p.pendingSeq !== null) {
      if (p.pendingSeq > pool.pendingSeq) {
        violations.push(`${who}: pendingSeq ${p.pendingSeq} is beyond the pool's counter ${pool.pendingSeq}`);
      }
      const other = seqOwner.get(p.pendingSeq);
      if (other !== undefined) violations.push(`${who}: pendingSeq ${p.pendingSeq} is also held by ${other}`);
      seqOwner.set(p.pendingSeq, p.serial);
    }
  }

  if (grantedSum > pool.poolSize) violations.push(`Σ granted ${grantedSum} exceeds poolSize ${pool.poolSize}`);
  if (pool.grantedTotal !== grantedSum)
    violations.push(`pool grantedTotal ${pool.grantedTotal} differs from Σ granted ${grantedSum}`);
  if (pool.pendingTotal !== pendingSum)
    violations.push(`pool pendingTotal ${pool.pendingTotal} differs from Σ pending ${pendingSum}`);
  if (policy === undefined) {
    const idle = pool.poolSize - grantedSum;
    if (pendingSum > 0 && idle > 0) {
      violations.push(`${idle} sessions sit idle in the pool while ${pendingSum} are pending`);
    }
  } else {
    violations.push(...policyViolations(pool, participants, policy));
  }
  return violations;
}

/**
 * Rules 1 and 2 can be exceeded after a policy change (rule 5 takes nothing back), so they are
 * checked per step by the property tests; what holds in every state is checked here.
 */
function policyViolations(
  pool: PoolSnapshot,
  participants: readonly ParticipantSnapshot[],
  policy: PolicyState,
): string[] {
  const violations: string[] = [];
  const reserved = reservedTotal(policy);
  if (reserved > pool.poolSize) violations.push(`the groups reserve ${reserved}, beyond poolSize ${pool.poolSize}`);
  const held = new Map(Object.keys(policy.groups).map((name) => [name, 0]));
  for (const p of participants) {
    const name = groupName(p);
    if (name !== DEFAULT_GROUP && !held.has(name)) {
      violations.push(`participant ${p.serial} (${p.id}): its group ${name} is not in the policy`);
      continue;
    }
    if (name !== DEFAULT_GROUP) held.set(name, held.get(name)! + p.granted);
    const room = grantRoom(pool, policy, p);
    if (p.pending > 0 && room > 0) {
      violations.push(
        `participant ${p.serial} (${p.id}): waits for ${p.pending} sessions while it could be granted ${room}`,
      );
    }
  }
  for (const [name, sum] of held) {
    const kept = policy.groups[name]!.held;
    if (kept !== sum) violations.push(`group ${name}: held ${kept} differs from Σ granted of its members ${sum}`);
  }
  return violations;
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}
