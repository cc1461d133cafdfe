// Builders and checks shared by the tests; not part of the package's API.
import { expect } from "vitest";
import { AllocationError, type AllocationErrorReason } from "./errors";
import { checkInvariants } from "./invariants";
import type { GroupDefinition, PolicyDefinition } from "./policy";
import type { AllocState, GroupState, Outcome, ParticipantSnapshot, PolicyState } from "./types";

/** participant("a") has id "ptc_a" and serial "A", so a test mixing up ids and serials fails. */
export function participant(name: string, over: Partial<ParticipantSnapshot> = {}): ParticipantSnapshot {
  return {
    id: `ptc_${name}`,
    serial: name.toUpperCase(),
    platformLimit: 1000,
    localLimit: 0,
    granted: 0,
    pending: 0,
    pendingSeq: null,
    lastSeenAt: 0,
    haPeerSerial: null,
    ...over,
  };
}

/** A complete state: the pool's totals are summed from the participants given, frozen deeply. */
export function stateOf(poolSize: number, participants: ParticipantSnapshot[]): AllocState {
  const seqs = participants.map((p) => p.pendingSeq ?? 0);
  return deepFreeze({
    pool: {
      poolSize,
      grantedTotal: participants.reduce((sum, p) => sum + p.granted, 0),
      pendingTotal: participants.reduce((sum, p) => sum + p.pending, 0),
      pendingSeq: Math.max(0, ...seqs),
    },
    participants,
  });
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function find(state: AllocState, name: string): ParticipantSnapshot {
  const p = state.participants.find((q) => q.id === `ptc_${name}`);
  if (p === undefined) throw new Error(`no participant ${name} in state`);
  return p;
}

/**
 * What every outcome owes the database layer: changes that sum to the pool's change, a last
 * change per participant that carries its final row, untouched participants left equal, and a
 * sound state (when the state given was complete).
 */
export function expectSound<R>(before: AllocState, outcome: Outcome<R>, complete = true): void {
  const { state, changes } = outcome;
  const sum = (key: "grantedDelta" | "pendingDelta") => changes.reduce((s, c) => s + c[key], 0);
  expect(sum("grantedDelta")).toBe(state.pool.grantedTotal - before.pool.grantedTotal);
  expect(sum("pendingDelta")).toBe(state.pool.pendingTotal - before.pool.pendingTotal);
  expect(state.pool.pendingSeq).toBeGreaterThanOrEqual(before.pool.pendingSeq);
  expect(state.participants.map((p) => p.id)).toEqual(before.participants.map((p) => p.id));
  for (const [i, p] of state.participants.entries()) {
    const own = changes.filter((c) => c.id === p.id);
    const last = own.at(-1);
    if (last === undefined) {
      expect(p.granted).toBe(before.participants[i]?.granted);
      expect(p.pending).toBe(before.participants[i]?.pending);
      expect(p.pendingSeq).toBe(before.participants[i]?.pendingSeq);
    } else {
      expect({
        granted: last.granted,
        pending: last.pending,
        pendingSeq: last.pendingSeq,
        serial: last.serial,
      }).toEqual({
        granted: p.granted,
        pending: p.pending,
        pendingSeq: p.pendingSeq,
        serial: p.serial,
      });
    }
  }
  for (const c of changes) expect(c.grantedDelta !== 0 || c.pendingDelta !== 0 || c.cause === "transfer-in").toBe(true);
  if (complete) expect(checkInvariants(state.pool, state.participants, state.policy)).toEqual([]);
}

/** Runs `action`, expecting a refusal with `reason`; returns the error for further checks. */
export function refusal(action: () => unknown, reason: AllocationErrorReason): AllocationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AllocationError);
    expect((error as AllocationError).reason).toBe(reason);
    return error as AllocationError;
  }
  throw new Error(`expected a refusal with ${reason}, but the call succeeded`);
}

/**
 * A complete state under a policy: `groups` gives each named group's rules (reserve 0, no max,
 * priority 0, not paused unless said), `held` is summed from the participants given.
 */
export function policyStateOf(
  poolSize: number,
  participants: ParticipantSnapshot[],
  groups: Record<string, Partial<Omit<GroupState, "held">>>,
  poolPaused = false,
): AllocState {
  const state = stateOf(poolSize, participants);
  const policy: PolicyState = { poolPaused, groups: {} };
  for (const [name, rules] of Object.entries(groups)) {
    const held = participants.filter((p) => p.group === name).reduce((sum, p) => sum + p.granted, 0);
    policy.groups[name] = { reserve: 0, max: null, priority: 0, paused: false, ...rules, held };
  }
  return deepFreeze({ ...state, policy });
}

/** A policy definition with the groups given, in order; each group's omitted fields take the defaults. */
export function definitionOf(
  groups: (Partial<GroupDefinition> & { name: string })[],
  over: Partial<PolicyDefinition> = {},
): PolicyDefinition {
  return {
    groups: groups.map((g) => ({ reserve: 0, max: null, priority: 0, paused: false, serials: [], patterns: [], ...g })),
    poolPaused: false,
    caps: {},
    ...over,
  };
}
