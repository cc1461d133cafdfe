// Random sequences of everything that happens to a pool, run against a full model the way the
// database layer runs them: each step hands the allocator a slice (the pool, the acting
// participants and the queue), then writes back only what the changes say.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { headroom } from "./capacity";
import { AllocationError, type AllocationErrorReason } from "./errors";
import { checkInvariants } from "./invariants";
import { updateLimits } from "./limits";
import { setPoolSize } from "./pool";
import { isSilent, reclaim } from "./reclaim";
import { releaseSessions } from "./release";
import { requestSessions } from "./request";
import { deepFreeze, expectSound } from "./test-fixtures";
import { transfer } from "./transfer";
import type { AllocState, ChangeCause, Outcome, ParticipantSnapshot, PoolSnapshot } from "./types";

const REFRESH_SEC = 30;
const RUNS = 300;
const MAX_STEPS = 60;

type LocalPick = { pct: number } | { raw: number } | { abovePlatform: true };
type PeerPick =
  | { kind: "none" }
  | { kind: "existing"; pick: number }
  | { kind: "next" }
  | { kind: "previous" }
  | { kind: "ghost" };
type FromPick =
  | { kind: "peer" }
  | { kind: "namedBy" }
  | { kind: "any"; pick: number }
  | { kind: "ghost" }
  | { kind: "self" };
type ReleasePick = { pct: number } | { raw: number } | { aboveGrant: number };

type Step =
  | { kind: "register"; platformLimit: number; localPct: number; peer: PeerPick }
  | { kind: "reregister"; who: number; platformLimit: number; local: LocalPick }
  | { kind: "request"; who: number; sessions: number }
  | { kind: "refresh"; who: number }
  | { kind: "release"; who: number; amount: ReleasePick }
  | { kind: "transfer"; who: number; from: FromPick }
  | { kind: "tick"; ms: number }
  | { kind: "reclaimSilent" }
  | { kind: "resize"; poolSize: number }
  | { kind: "forceRelease"; who: number }
  | { kind: "remove"; who: number };

const who = fc.nat(999);
const validPlatform = fc.integer({ min: 50, max: 800 });
const anyPlatform = fc.oneof(
  { weight: 10, arbitrary: validPlatform },
  { weight: 1, arbitrary: fc.constantFrom(0, -50, 1_000_001, 100.5) },
);
const localPick: fc.Arbitrary<LocalPick> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 100 }).map((pct) => ({ pct })) },
  { weight: 1, arbitrary: fc.constantFrom<LocalPick>({ raw: -1 }, { raw: 0.5 }, { abovePlatform: true }) },
);
const peerPick: fc.Arbitrary<PeerPick> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 3, arbitrary: fc.nat(999).map((pick) => ({ kind: "existing" as const, pick })) },
  { weight: 3, arbitrary: fc.constant({ kind: "next" as const }) },
  // "next" then "previous" registers the two units of a pair, each naming the other.
  { weight: 3, arbitrary: fc.constant({ kind: "previous" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "ghost" as const }) },
);
const fromPick: fc.Arbitrary<FromPick> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: "peer" as const }) },
  { weight: 4, arbitrary: fc.constant({ kind: "namedBy" as const }) },
  { weight: 2, arbitrary: fc.nat(999).map((pick) => ({ kind: "any" as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: "ghost" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "self" as const }) },
);
const sessions = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 8 }).map((n) => n * 50) },
  { weight: 1, arbitrary: fc.constantFrom(0, -50, 70, 25, 50.5, Number.NaN) },
);
const releasePick: fc.Arbitrary<ReleasePick> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 100 }).map((pct) => ({ pct })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }).map((aboveGrant) => ({ aboveGrant })) },
  { weight: 1, arbitrary: fc.constantFrom<ReleasePick>({ raw: -1 }, { raw: 0.5 }) },
);
const poolSize = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2.5, 1_000_001) },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("register"),
      platformLimit: validPlatform,
      localPct: fc.integer({ min: 0, max: 100 }),
      peer: peerPick,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("reregister"), who, platformLimit: anyPlatform, local: localPick }),
  },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant("request"), who, sessions }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("refresh"), who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("release"), who, amount: releasePick }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("transfer"), who, from: fromPick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tick"), ms: fc.integer({ min: 0, max: 150_000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: "reclaimSilent" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("resize"), poolSize }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("forceRelease"), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove"), who }) },
);

interface Model {
  pool: PoolSnapshot;
  participants: ParticipantSnapshot[];
  now: number;
  registered: number;
}

/** What the sequences exercised, so a generator that stops reaching a rule fails loudly. */
const seen = {
  causes: new Map<ChangeCause, number>(),
  refusals: new Map<AllocationErrorReason, number>(),
  partialServes: 0,
  trimmedTransfers: 0,
  steps: 0,
};
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

describe("random sequences of protocol events", () => {
  it(`keep every invariant over ${RUNS} sequences of up to ${MAX_STEPS} steps`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.array(step, { maxLength: MAX_STEPS, size: "max" }),
        (initialPool, steps) => {
          const model: Model = {
            pool: { poolSize: initialPool, grantedTotal: 0, pendingTotal: 0, pendingSeq: 0 },
            participants: [],
            now: 0,
            registered: 0,
          };
          for (const s of steps) {
            perform(model, s);
            seen.steps++;
            expect(checkInvariants(model.pool, model.participants)).toEqual([]);
          }
        },
      ),
      { numRuns: RUNS },
    );

    for (const cause of [
      "request",
      "grant-pending",
      "release",
      "withdraw-pending",
      "reclaim",
      "transfer-out",
      "transfer-in",
      "limits",
      "force-release",
      "remove",
    ] as const) {
      expect(seen.causes.get(cause) ?? 0, `changes with cause ${cause}`).toBeGreaterThan(0);
    }
    for (const reason of [
      "NOT_A_MULTIPLE_OF_50",
      "RELEASE_EXCEEDS_GRANT",
      "NOT_HA_PEER",
      "POOL_SIZE_OUT_OF_RANGE",
      "POOL_BELOW_GRANTED",
      "LIMITS_OUT_OF_RANGE",
    ] as const) {
      expect(seen.refusals.get(reason) ?? 0, `refusals with ${reason}`).toBeGreaterThan(0);
    }
    expect(seen.partialServes).toBeGreaterThan(0);
    expect(seen.trimmedTransfers).toBeGreaterThan(0);
  }, 30_000);
});

function perform(model: Model, s: Step): void {
  if (s.kind === "register") {
    register(model, s.platformLimit, s.localPct, s.peer);
    return;
  }
  if (s.kind === "tick") {
    model.now += s.ms;
    return;
  }
  if (s.kind === "resize") {
    resize(model, s.poolSize);
    return;
  }
  if (s.kind === "reclaimSilent") {
    reclaimSilent(model);
    return;
  }

  const p = model.participants[s.who % Math.max(1, model.participants.length)];
  if (p === undefined) return;
  const before = { ...p };
  const total = (q: ParticipantSnapshot) => q.granted + q.pending;

  switch (s.kind) {
    case "refresh":
      p.lastSeenAt = model.now;
      return;

    case "request": {
      const valid = Number.isInteger(s.sessions) && s.sessions > 0 && s.sessions % 50 === 0;
      attempt(
        model,
        [p.id],
        (st) => requestSessions(st, p.id, s.sessions),
        valid ? null : "NOT_A_MULTIPLE_OF_50",
        (outcome) => {
          expect(total(p)).toBe(total(before) + Math.min(s.sessions, Math.max(0, headroom(before))));
          expect(p.localLimit + total(p)).toBeLessThanOrEqual(p.platformLimit);
          expect(outcome.result).toEqual({
            granted: p.granted,
            pending: p.pending,
            added: sumOf(outcome, p.id, "request"),
          });
        },
      );
      p.lastSeenAt = model.now;
      return;
    }

    case "release": {
      const amount =
        "pct" in s.amount
          ? Math.floor((p.granted * s.amount.pct) / 100)
          : "raw" in s.amount
            ? s.amount.raw
            : p.granted + s.amount.aboveGrant;
      const valid = Number.isInteger(amount) && amount >= 0 && amount <= p.granted;
      attempt(
        model,
        [p.id],
        (st) => releaseSessions(st, p.id, amount),
        valid ? null : "RELEASE_EXCEEDS_GRANT",
        (outcome) => {
          expect({ granted: p.granted, pending: p.pending }).toEqual({ granted: before.granted - amount, pending: 0 });
          expect(outcome.result).toEqual({ granted: p.granted, pending: p.pending });
        },
      );
      return;
    }

    case "transfer": {
      const fromSerial = pickFrom(model, p, s.from);
      const from = model.participants.find((q) => q.serial === fromSerial);
      const fromBefore = from && { ...from };
      const pair = from !== undefined && from !== p && p.haPeerSerial === from.serial && from.haPeerSerial === p.serial;
      const unregisteredPeer = from === undefined && fromSerial !== p.serial && p.haPeerSerial === fromSerial;
      const acting = from === undefined ? [p.id] : [p.id, from.id];
      attempt(
        model,
        acting,
        (st) => transfer(st, p.id, fromSerial),
        pair || unregisteredPeer ? null : "NOT_HA_PEER",
        (outcome) => {
          expect(outcome.result).toEqual({ granted: p.granted, pending: p.pending });
          if (from === undefined || fromBefore === undefined) return expect(outcome.changes).toEqual([]);
          expect({ granted: from.granted, pending: from.pending }).toEqual({ granted: 0, pending: 0 });
          const room = before.platformLimit - before.localLimit;
          const granted = Math.min(before.granted + fromBefore.granted, room);
          const pending = Math.min(before.pending + fromBefore.pending, room - granted);
          expect({ granted: p.granted, pending: p.pending }).toEqual({ granted, pending });
          // The moved demand keeps its place in the queue: the older of the two positions.
          const positions = [before, fromBefore].filter((q) => q.pending > 0).map((q) => q.pendingSeq ?? Number.NaN);
          expect(p.pendingSeq).toBe(pending > 0 ? Math.min(...positions) : null);
          if (granted + pending < total(before) + total(fromBefore)) seen.trimmedTransfers++;
        },
      );
      return;
    }

    case "reregister": {
      const local =
        "pct" in s.local
          ? Math.floor((s.platformLimit * s.local.pct) / 100)
          : "raw" in s.local
            ? s.local.raw
            : s.platformLimit + 1;
      const valid =
        Number.isInteger(s.platformLimit) &&
        s.platformLimit >= 1 &&
        s.platformLimit <= 1_000_000 &&
        Number.isInteger(local) &&
        local >= 0 &&
        local <= s.platformLimit;
      attempt(
        model,
        [p.id],
        (st) => updateLimits(st, p.id, s.platformLimit, local),
        valid ? null : "LIMITS_OUT_OF_RANGE",
        () => {
          const room = s.platformLimit - local;
          const granted = Math.min(before.granted, room);
          expect({
            platformLimit: p.platformLimit,
            localLimit: p.localLimit,
            granted: p.granted,
            pending: p.pending,
          }).toEqual({
            platformLimit: s.platformLimit,
            localLimit: local,
            granted,
            pending: Math.min(before.pending, room - granted),
          });
        },
      );
      p.lastSeenAt = model.now;
      return;
    }

    case "forceRelease":
    case "remove": {
      const cause = s.kind === "remove" ? "remove" : "force-release";
      attempt(
        model,
        [p.id],
        (st) => reclaim(st, p.id, cause),
        null,
        (outcome) => {
          expect(outcome.result).toEqual({ freed: before.granted, withdrawn: before.pending });
          expect({ granted: p.granted, pending: p.pending, pendingSeq: p.pendingSeq }).toEqual({
            granted: 0,
            pending: 0,
            pendingSeq: null,
          });
        },
      );
      if (s.kind === "remove") model.participants = model.participants.filter((q) => q !== p);
      return;
    }
  }
}

function register(model: Model, platformLimit: number, localPct: number, peer: PeerPick): void {
  const n = model.registered++;
  const existing =
    model.participants[peer.kind === "existing" ? peer.pick % Math.max(1, model.participants.length) : -1];
  const named = { next: `SN${n + 1}`, previous: n > 0 ? `SN${n - 1}` : null, ghost: "GHOST" } as Record<
    string,
    string | null
  >;
  const haPeerSerial = peer.kind in named ? named[peer.kind]! : (existing?.serial ?? null);
  model.participants.push({
    id: `ptc_${n}`,
    serial: `SN${n}`,
    platformLimit,
    localLimit: Math.floor((platformLimit * localPct) / 100),
    granted: 0,
    pending: 0,
    pendingSeq: null,
    lastSeenAt: model.now,
    haPeerSerial,
  });
}

function resize(model: Model, size: number): void {
  const expected =
    !Number.isInteger(size) || size < 0 || size > 1_000_000
      ? "POOL_SIZE_OUT_OF_RANGE"
      : size < model.pool.grantedTotal
        ? "POOL_BELOW_GRANTED"
        : null;
  attempt(
    model,
    [],
    (st) => setPoolSize(st, size),
    expected,
    (outcome) => {
      expect(model.pool.poolSize).toBe(size);
      expect(outcome.result.available).toBe(size - model.pool.grantedTotal);
    },
  );
}

function reclaimSilent(model: Model): void {
  for (const p of [...model.participants]) {
    const silent = model.now - p.lastSeenAt > 3 * REFRESH_SEC * 1000;
    expect(isSilent(p, model.now, REFRESH_SEC)).toBe(silent);
    if (silent && (p.granted > 0 || p.pending > 0)) attempt(model, [p.id], (st) => reclaim(st, p.id, "reclaim"), null);
  }
  for (const p of model.participants) {
    if (isSilent(p, model.now, REFRESH_SEC))
      expect({ granted: p.granted, pending: p.pending }).toEqual({ granted: 0, pending: 0 });
  }
}

function pickFrom(model: Model, to: ParticipantSnapshot, pick: FromPick): string {
  const any = (n: number) => model.participants[n % model.participants.length]?.serial ?? "NOBODY";
  switch (pick.kind) {
    case "peer":
      return to.haPeerSerial ?? any(0);
    case "namedBy":
      return model.participants.find((q) => q.haPeerSerial === to.serial)?.serial ?? any(1);
    case "any":
      return any(pick.pick);
    case "ghost":
      return "NOBODY";
    case "self":
      return to.serial;
  }
}

/**
 * Runs one operation as the database layer would and checks what holds after every step. A
 * refusal must carry the expected reason and leave the slice as it was; a success must match
 * the expectation, sum up, respect FCFS, and is written back from its changes alone.
 */
function attempt<R>(
  model: Model,
  actingIds: string[],
  operation: (state: AllocState) => Outcome<R>,
  expectedRefusal: AllocationErrorReason | null,
  verify?: (outcome: Outcome<R>) => void,
): void {
  const acting = new Set(actingIds);
  const slice: AllocState = structuredClone({
    pool: model.pool,
    participants: model.participants.filter((p) => acting.has(p.id) || p.pending > 0),
  });
  const pristine = structuredClone(slice);
  deepFreeze(slice);

  let outcome: Outcome<R>;
  try {
    outcome = operation(slice);
  } catch (error) {
    if (!(error instanceof AllocationError)) throw error;
    expect(error.reason, error.message).toBe(expectedRefusal);
    expect(slice).toEqual(pristine);
    bump(seen.refusals, error.reason);
    return;
  }
  expect(expectedRefusal, "the step should have been refused").toBeNull();
  expectSound(pristine, outcome, false);
  expectFirstComeFirstServed(pristine, outcome);

  model.pool = { ...outcome.state.pool };
  for (const change of outcome.changes) {
    const p = model.participants.find((q) => q.id === change.id)!;
    Object.assign(p, { granted: change.granted, pending: change.pending, pendingSeq: change.pendingSeq });
    bump(seen.causes, change.cause);
    if (change.cause === "grant-pending" && change.pending > 0) seen.partialServes++;
  }
  for (const after of outcome.state.participants) {
    const p = model.participants.find((q) => q.id === after.id)!;
    Object.assign(p, { platformLimit: after.platformLimit, localLimit: after.localLimit }); // the register path writes limits
    expect(p).toEqual(after);
  }
  verify?.(outcome);
}

/** Nobody who asked later got sessions while someone who asked earlier still waits. */
function expectFirstComeFirstServed(before: AllocState, outcome: Outcome<unknown>): void {
  const position = new Map(before.participants.map((p) => [p.id, p.pendingSeq]));
  const waiting = outcome.state.participants.filter((p) => p.pending > 0);
  for (const change of outcome.changes) {
    const gained = change.grantedDelta > 0 && (change.cause === "grant-pending" || change.cause === "request");
    if (gained) {
      // A fresh grant on request is only possible with nobody waiting, as if it came last.
      const servedAt =
        change.cause === "grant-pending" ? (position.get(change.id) ?? Number.NaN) : Number.POSITIVE_INFINITY;
      for (const w of waiting) {
        if (w.id === change.id) continue;
        expect(
          w.pendingSeq,
          `${w.serial} still waits at ${w.pendingSeq} while ${change.serial} at ${servedAt} was served`,
        ).toBeGreaterThan(servedAt);
      }
    }
    position.set(change.id, change.pendingSeq);
  }
}

function sumOf(outcome: Outcome<unknown>, id: string, cause: ChangeCause): number {
  return outcome.changes.filter((c) => c.id === id && c.cause === cause).reduce((sum, c) => sum + c.grantedDelta, 0);
}
