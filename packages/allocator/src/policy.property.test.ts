// Random policies and call sequences, run the way the database layer runs them (a slice per
// call: the pool, the acting participants, the queue and the policy's aggregates; the full state
// for a policy change), each change replayed against a reference computed from the full state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPolicy } from "./apply-policy";
import { assignMembership } from "./assign-membership";
import { fitWithinLimits } from "./capacity";
import { AllocationError, type AllocationErrorReason } from "./errors";
import { checkInvariants } from "./invariants";
import { updateLimits } from "./limits";
import { groupOf } from "./membership";
import type { GroupDefinition, PolicyDefinition } from "./policy";
import { setPoolSize } from "./pool";
import { reclaim } from "./reclaim";
import { releaseSessions } from "./release";
import { requestSessions } from "./request";
import { deepFreeze, expectSound } from "./test-fixtures";
import { transfer } from "./transfer";
import type { AllocState, Outcome, ParticipantChange, ParticipantSnapshot, PolicyState, PoolSnapshot } from "./types";

const RUNS = 300;
const MAX_STEPS = 60;

// ---------------------------------------------------------------------------------------------
// Generators: serials SN0, SN1, … and hostnames over a few sites, so patterns overlap.

const NAMES = ["dc", "lab", "branch", "edge", "core", "test"];
const SERIALS = Array.from({ length: 12 }, (_, n) => `SN${n}`);
const hostnameOf = (n: number) => `gw${n % 5}.site${n % 3}.example.net`;
const PATTERNS = [
  "SN1*",
  "sn?",
  "*site1*",
  "GW2.*",
  "*.site2.example.net",
  "gw1*",
  "*site0*",
  "SN*",
  "*",
  "?N1?",
  "x*",
];

const group = (name: string): fc.Arbitrary<GroupDefinition> =>
  fc
    .record({
      reserve: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat(250) }),
      extra: fc.option(fc.nat(300), { nil: null, freq: 3 }),
      priority: fc.integer({ min: -2, max: 2 }),
      paused: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      serials: fc.subarray(SERIALS, { maxLength: 3 }),
      patterns: fc.subarray(PATTERNS, { maxLength: 2 }),
    })
    .map(({ reserve, extra, ...rest }) => ({ name, reserve, max: extra === null ? null : reserve + extra, ...rest }));

const policyArb: fc.Arbitrary<PolicyDefinition> = fc
  .record({
    names: fc.shuffledSubarray(NAMES, { maxLength: 6 }),
    poolPaused: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    caps: fc.dictionary(
      fc.constantFrom(...SERIALS),
      fc.integer({ min: 0, max: 8 }).map((n) => n * 50),
      {
        maxKeys: 3,
      },
    ),
  })
  .chain(({ names, poolPaused, caps }) =>
    fc.tuple(...names.map(group)).map((groups) => {
      // Serials named twice would be refused (covered by the unit tests): keep each in its first group.
      const taken = new Set<string>();
      const distinct = groups.map((g) => ({ ...g, serials: g.serials.filter((s) => !taken.has(s) && taken.add(s)) }));
      return { groups: distinct, poolPaused, caps };
    }),
  );

type Step =
  | { kind: "register"; platformLimit: number; localPct: number; pair: boolean }
  | { kind: "request"; who: number; sessions: number }
  | { kind: "release"; who: number; pct: number }
  | { kind: "transfer"; who: number }
  | { kind: "reregister"; who: number; platformLimit: number }
  | { kind: "rehost"; who: number; host: number }
  | { kind: "resize"; poolSize: number }
  | { kind: "reclaim"; who: number; cause: "reclaim" | "force-release" | "remove" }
  | { kind: "policy"; definition: PolicyDefinition }
  | { kind: "pause"; group: number }
  | { kind: "pausePool" };

const who = fc.nat(99);
const stepArb = (withPolicySteps: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("register" as const),
        platformLimit: fc.integer({ min: 50, max: 800 }),
        localPct: fc.integer({ min: 0, max: 50 }),
        pair: fc.boolean(),
      }),
    },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant("request" as const),
        who,
        sessions: fc.integer({ min: 1, max: 8 }).map((n) => n * 50),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant("release" as const), who, pct: fc.integer({ min: 0, max: 100 }) }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("transfer" as const), who }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("reregister" as const),
        who,
        platformLimit: fc.integer({ min: 50, max: 800 }),
      }),
    },
    {
      weight: withPolicySteps ? 3 : 0,
      arbitrary: fc.record({ kind: fc.constant("rehost" as const), who, host: fc.nat(14) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("resize" as const), poolSize: fc.integer({ min: 0, max: 1500 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("reclaim" as const),
        who,
        cause: fc.constantFrom("reclaim" as const, "force-release" as const, "remove" as const),
      }),
    },
    {
      weight: withPolicySteps ? 2 : 0,
      arbitrary: fc.record({ kind: fc.constant("policy" as const), definition: policyArb }),
    },
    {
      weight: withPolicySteps ? 1 : 0,
      arbitrary: fc.record({ kind: fc.constant("pause" as const), group: fc.nat(5) }),
    },
    { weight: withPolicySteps ? 1 : 0, arbitrary: fc.constant({ kind: "pausePool" as const }) },
  );

// ---------------------------------------------------------------------------------------------
// The model: the full state, as the database holds it.

interface Model {
  pool: PoolSnapshot;
  participants: ParticipantSnapshot[];
  hostnames: Map<string, string>;
  definition: PolicyDefinition | undefined;
  policy: PolicyState | undefined;
  registered: number;
}

const seen = {
  steps: 0,
  refusals: new Map<AllocationErrorReason, number>(),
  causes: new Map<string, number>(),
  skippedInQueue: 0,
  heldBackByPolicy: 0,
  transfersHeldBack: 0,
  servedByPolicyChange: 0,
  rehostsThatMove: 0,
};
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

// ---------------------------------------------------------------------------------------------
// The reference: every figure computed from the full state and the definition, not from the
// aggregates the allocator keeps.

interface Rules {
  reserve: number;
  max: number | null;
  priority: number;
  paused: boolean;
}

function rulesOf(definition: PolicyDefinition, name: string): Rules {
  return definition.groups.find((g) => g.name === name) ?? { reserve: 0, max: null, priority: 0, paused: false };
}

function heldOf(participants: readonly ParticipantSnapshot[], name: string): number {
  return participants.filter((p) => (p.group ?? "default") === name).reduce((sum, p) => sum + p.granted, 0);
}

function referenceRoom(
  poolSize: number,
  participants: readonly ParticipantSnapshot[],
  definition: PolicyDefinition | undefined,
  p: ParticipantSnapshot,
): number {
  const free = poolSize - participants.reduce((sum, q) => sum + q.granted, 0);
  if (definition === undefined) return free;
  const own = p.group ?? "default";
  const rules = rulesOf(definition, own);
  if (definition.poolPaused || rules.paused) return 0;
  let room = free;
  for (const g of definition.groups) {
    if (g.name !== own) room -= Math.max(0, g.reserve - heldOf(participants, g.name));
  }
  if (rules.max !== null) room = Math.min(room, rules.max - heldOf(participants, own));
  if (p.maxGranted != null) room = Math.min(room, p.maxGranted - p.granted);
  return Math.max(0, room);
}

/** Σ granted + Σ unmet − poolSize: positive only after an administrative change (rule 5). */
function reservationExcess(model: Model): number {
  if (model.definition === undefined) return 0;
  const unmet = model.definition.groups.reduce(
    (sum, g) => sum + Math.max(0, g.reserve - heldOf(model.participants, g.name)),
    0,
  );
  return model.pool.grantedTotal + unmet - model.pool.poolSize;
}

// ---------------------------------------------------------------------------------------------

describe("random policies and call sequences", () => {
  it(`keep every rule of the pool policy after every step (${RUNS} sequences of up to ${MAX_STEPS} steps)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 }),
        fc.option(policyArb, { freq: 5 }),
        fc.array(stepArb(true), { maxLength: MAX_STEPS, size: "max" }),
        (initialPool, initialPolicy, steps) => {
          const model = emptyModel(initialPool);
          if (initialPolicy !== null) perform(model, { kind: "policy", definition: initialPolicy });
          for (const s of steps) {
            const before = structuredClone(model);
            perform(model, s);
            seen.steps++;
            expectRulesHold(model);
            expectNoGrowthBeyondLimits(before, model, s);
          }
        },
      ),
      { numRuns: RUNS },
    );

    expect(seen.rehostsThatMove, "re-registrations that change a participant's group").toBeGreaterThan(0);
    for (const cause of ["request", "grant-pending", "release", "transfer-in", "limits", "reclaim", "remove"]) {
      expect(seen.causes.get(cause) ?? 0, `changes with cause ${cause}`).toBeGreaterThan(0);
    }
    for (const reason of ["RESERVES_EXCEED_POOL", "RESERVE_OUT_OF_RANGE", "POOL_BELOW_RESERVED"] as const) {
      expect(seen.refusals.get(reason) ?? 0, `refusals with ${reason}`).toBeGreaterThan(0);
    }
    expect(seen.skippedInQueue, "queue skips a participant without room").toBeGreaterThan(0);
    expect(seen.heldBackByPolicy, "asks held back by the policy alone").toBeGreaterThan(0);
    expect(seen.transfersHeldBack, "transfers held back by the receiving group").toBeGreaterThan(0);
    expect(seen.servedByPolicyChange, "policy changes that serve pending at once").toBeGreaterThan(0);
  }, 30_000);

  it("behave exactly as without a policy when the policy is neutral (no reserve, max, cap, priority or pause)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1200 }),
        fc.array(fc.subarray(PATTERNS, { maxLength: 2 }), { maxLength: 6 }),
        fc.array(stepArb(false), { maxLength: MAX_STEPS, size: "max" }),
        (initialPool, patterns, steps) => {
          const plain = emptyModel(initialPool);
          const neutral = emptyModel(initialPool);
          const groups = patterns.map((p, i) => ({
            name: NAMES[i]!,
            reserve: 0,
            max: null,
            priority: 0,
            paused: false,
            serials: [],
            patterns: p,
          }));
          perform(neutral, { kind: "policy", definition: { groups, poolPaused: false, caps: {} } });
          for (const s of steps) {
            const a = perform(plain, s);
            const b = perform(neutral, s);
            expect(b.refusal).toBe(a.refusal);
            expect(b.result).toEqual(a.result);
            expect(b.changes).toEqual(a.changes);
            expect(neutral.pool).toEqual(plain.pool);
          }
        },
      ),
      { numRuns: RUNS / 3 },
    );
  }, 30_000);
});

function emptyModel(poolSize: number): Model {
  return {
    pool: { poolSize, grantedTotal: 0, pendingTotal: 0, pendingSeq: 0 },
    participants: [],
    hostnames: new Map(),
    definition: undefined,
    policy: undefined,
    registered: 0,
  };
}

interface Performed {
  refusal: AllocationErrorReason | null;
  result: unknown;
  changes: ParticipantChange[];
}

const NOTHING: Performed = { refusal: null, result: undefined, changes: [] };

function perform(model: Model, s: Step): Performed {
  switch (s.kind) {
    case "register":
      register(model, s);
      return NOTHING;
    case "resize":
      return attempt(model, [], (st) => setPoolSize(st, s.poolSize));
    case "policy":
      return changePolicy(model, s.definition);
    case "pause": {
      const groups = model.definition?.groups ?? [];
      const target = groups[s.group % Math.max(1, groups.length)];
      if (model.definition === undefined || target === undefined) return NOTHING;
      const toggled = groups.map((g) => (g === target ? { ...g, paused: !g.paused } : g));
      return changePolicy(model, { ...model.definition, groups: toggled });
    }
    case "pausePool":
      if (model.definition === undefined) return NOTHING;
      return changePolicy(model, { ...model.definition, poolPaused: !model.definition.poolPaused });
  }
  const p = model.participants[s.who % Math.max(1, model.participants.length)];
  if (p === undefined) return NOTHING;
  switch (s.kind) {
    case "request":
      return attempt(model, [p.id], (st) => requestSessions(st, p.id, s.sessions));
    case "release":
      return attempt(model, [p.id], (st) => releaseSessions(st, p.id, Math.floor((p.granted * s.pct) / 100)));
    case "reregister":
      return attempt(model, [p.id], (st) => updateLimits(st, p.id, s.platformLimit, 0));
    case "rehost": {
      // A registration with a new hostname decides membership anew, as the server will.
      model.hostnames.set(p.id, hostnameOf(s.host));
      if (model.definition === undefined) return NOTHING;
      const membership = {
        group: groupOf(model.definition, { serial: p.serial, hostname: hostnameOf(s.host) }),
        maxGranted: model.definition.caps[p.serial] ?? null,
      };
      if (membership.group !== p.group && p.granted > 0) seen.rehostsThatMove++;
      return attempt(model, [p.id], (st) => assignMembership(st, p.id, membership), true);
    }
    case "reclaim": {
      const done = attempt(model, [p.id], (st) => reclaim(st, p.id, s.cause));
      if (s.cause === "remove") model.participants = model.participants.filter((q) => q.id !== p.id);
      return done;
    }
    case "transfer": {
      const from = model.participants.find((q) => q.serial === p.haPeerSerial);
      if (from === undefined || from.haPeerSerial !== p.serial) return NOTHING;
      return attempt(model, [p.id, from.id], (st) => transfer(st, p.id, from.serial));
    }
  }
}

/** Registers SNn; with `pair`, the new unit and the previous one name each other. */
function register(model: Model, s: Extract<Step, { kind: "register" }>): void {
  const n = model.registered++;
  const serial = `SN${n}`;
  const previous = model.participants.find((q) => q.serial === `SN${n - 1}`);
  const pairs = s.pair && previous !== undefined && previous.haPeerSerial === null;
  if (pairs) previous.haPeerSerial = serial;
  const p: ParticipantSnapshot = {
    id: `ptc_${n}`,
    serial,
    platformLimit: s.platformLimit,
    localLimit: Math.floor((s.platformLimit * s.localPct) / 100),
    granted: 0,
    pending: 0,
    pendingSeq: null,
    lastSeenAt: 0,
    haPeerSerial: pairs ? previous.serial : null,
  };
  model.hostnames.set(p.id, hostnameOf(n));
  if (model.definition !== undefined) {
    // Membership is decided when a participant registers, as the server will.
    p.group = groupOf(model.definition, { serial, hostname: hostnameOf(n) });
    p.maxGranted = model.definition.caps[serial] ?? null;
  }
  model.participants.push(p);
}

function changePolicy(model: Model, definition: PolicyDefinition): Performed {
  const reserved = definition.groups.reduce((sum, g) => sum + g.reserve, 0);
  const tooBig = definition.groups.some((g) => g.reserve > model.pool.poolSize);
  const expected = tooBig ? "RESERVE_OUT_OF_RANGE" : reserved > model.pool.poolSize ? "RESERVES_EXCEED_POOL" : null;
  const full: AllocState = { pool: model.pool, participants: model.participants };
  if (model.policy !== undefined) full.policy = model.policy;
  const done = run(
    model,
    structuredClone(full),
    (st) => applyPolicy(st, definition, model.hostnames),
    expected,
    true,
    definition,
  );
  if (done.refusal === null) {
    model.definition = definition;
    const granted = new Map(model.participants.map((p) => [p.id, p.granted]));
    for (const change of done.changes) {
      // Rule 5: a change only serves, it takes nothing back.
      expect(change.cause).toBe("grant-pending");
      expect(change.grantedDelta).toBeGreaterThan(0);
      seen.servedByPolicyChange++;
    }
    for (const p of model.participants) expect(p.granted).toBeGreaterThanOrEqual(granted.get(p.id)!);
  }
  return done;
}

function attempt<R>(
  model: Model,
  actingIds: string[],
  operation: (state: AllocState) => Outcome<R>,
  decidesMembership = false,
): Performed {
  const acting = new Set(actingIds);
  const slice: AllocState = structuredClone({
    pool: model.pool,
    participants: model.participants.filter((p) => acting.has(p.id) || p.pending > 0),
  });
  if (model.policy !== undefined) slice.policy = structuredClone(model.policy);
  return run(model, slice, operation, "any", decidesMembership);
}

/**
 * Runs one operation on `slice`. A refusal must leave the slice as it was (and be the one
 * expected, unless "any"); a success is written back from its changes alone, each replayed
 * against the reference.
 */
function run<R>(
  model: Model,
  slice: AllocState,
  operation: (state: AllocState) => Outcome<R>,
  expected: AllocationErrorReason | null | "any",
  decidesMembership: boolean,
  definition = model.definition,
): Performed {
  const pristine = structuredClone(slice);
  deepFreeze(slice);
  let outcome: Outcome<R>;
  try {
    outcome = operation(slice);
  } catch (error) {
    if (!(error instanceof AllocationError)) throw error;
    if (expected !== "any") expect(error.reason, error.message).toBe(expected);
    expect(slice).toEqual(pristine);
    bump(seen.refusals, error.reason);
    return { refusal: error.reason, result: undefined, changes: [] };
  }
  if (expected !== "any") expect(expected, "the step should have been refused").toBeNull();
  expectSound(pristine, outcome, false);

  replay(model, outcome.state, definition, outcome.changes);
  model.pool = { ...outcome.state.pool };
  for (const change of outcome.changes) {
    const p = model.participants.find((q) => q.id === change.id)!;
    Object.assign(p, { granted: change.granted, pending: change.pending, pendingSeq: change.pendingSeq });
    bump(seen.causes, change.cause);
  }
  for (const after of outcome.state.participants) {
    const p = model.participants.find((q) => q.id === after.id)!;
    // The register path writes limits; a policy change writes every participant's membership.
    Object.assign(p, { platformLimit: after.platformLimit, localLimit: after.localLimit });
    if (decidesMembership) Object.assign(p, { group: after.group, maxGranted: after.maxGranted });
    expect(p).toEqual(after);
  }
  if (outcome.state.policy !== undefined) model.policy = outcome.state.policy;
  return { refusal: null, result: outcome.result, changes: outcome.changes };
}

/**
 * Replays the changes of one call over a copy of the full state, checking each grant at its
 * moment against the reference: a request gets min(its clipped ask, its room); the queue is
 * served in order (priority, then position), each as much as its room allows, and whoever is
 * passed over while still waiting had no room; a transfer keeps what rule 6 lets the receiver
 * keep.
 */
function replay(
  model: Model,
  after: AllocState,
  definition: PolicyDefinition | undefined,
  changes: readonly ParticipantChange[],
): void {
  const poolSize = after.pool.poolSize;
  // Membership as the call decided it (a policy change decides it before serving anyone).
  const world = structuredClone(model.participants).map((p) => {
    const decided = after.participants.find((q) => q.id === p.id);
    return decided === undefined ? p : { ...p, group: decided.group, maxGranted: decided.maxGranted };
  });
  const room = (p: ParticipantSnapshot) => referenceRoom(poolSize, world, definition, p);
  const priority = (p: ParticipantSnapshot) => (definition ? rulesOf(definition, p.group ?? "default").priority : 0);
  let transferOut: ParticipantChange | undefined;
  for (const change of changes) {
    const p = world.find((q) => q.id === change.id)!;
    if (change.cause === "request") {
      expect(change.grantedDelta).toBe(Math.min(change.grantedDelta + change.pendingDelta, room(p)));
      if (change.pendingDelta > 0 && availableIn(poolSize, world) > 0) seen.heldBackByPolicy++;
    }
    if (change.cause === "grant-pending") {
      expect(change.grantedDelta).toBe(Math.min(p.pending, room(p)));
      const ahead = (q: ParticipantSnapshot) =>
        priority(q) > priority(p) ||
        (priority(q) === priority(p) &&
          ((q.pendingSeq ?? 0) < (p.pendingSeq ?? 0) || (q.pendingSeq === p.pendingSeq && q.id < p.id)));
      for (const q of world) {
        if (q !== p && q.pending > 0 && ahead(q)) {
          expect(room(q), `${q.serial} was passed over for ${p.serial} with room`).toBe(0);
          seen.skippedInQueue++;
        }
      }
    }
    if (change.cause === "transfer-in" && transferOut !== undefined) {
      const from = world.find((q) => q.id === transferOut!.id)!;
      const fit = fitWithinLimits(p, p.granted - transferOut.grantedDelta, p.pending - transferOut.pendingDelta);
      const received = fit.granted - p.granted;
      const sameGroup = (from.group ?? "default") === (p.group ?? "default");
      const capRoom = p.maxGranted == null ? received : Math.max(0, p.maxGranted - p.granted);
      const allowed = Math.min(received, definition === undefined ? received : sameGroup ? capRoom : room(p));
      expect([change.grantedDelta, p.pending + change.pendingDelta]).toEqual([
        allowed,
        fit.pending + received - allowed,
      ]);
      if (allowed < received) seen.transfersHeldBack++;
    }
    transferOut = change.cause === "transfer-out" ? change : undefined;
    Object.assign(p, { granted: change.granted, pending: change.pending, pendingSeq: change.pendingSeq });
  }
}

function availableIn(poolSize: number, participants: readonly ParticipantSnapshot[]): number {
  return poolSize - participants.reduce((sum, p) => sum + p.granted, 0);
}

/** What holds in every state: the invariants, membership as the definition decides it, the aggregates. */
function expectRulesHold(model: Model): void {
  expect(checkInvariants(model.pool, model.participants, model.policy)).toEqual([]);
  const { definition, policy } = model;
  if (definition === undefined || policy === undefined) return;
  expect(policy.poolPaused).toBe(definition.poolPaused);
  expect(Object.keys(policy.groups)).toEqual(definition.groups.map((g) => g.name));
  for (const g of definition.groups) {
    const { name: _, serials: __, patterns: ___, ...rules } = g;
    expect(policy.groups[g.name]).toEqual({ ...rules, held: heldOf(model.participants, g.name) });
  }
  for (const p of model.participants) {
    expect(p.group).toBe(groupOf(definition, { serial: p.serial, hostname: model.hostnames.get(p.id) }));
    expect(p.maxGranted).toBe(definition.caps[p.serial] ?? null);
    // Nobody waits who could be served now (rules 1–4 computed from the full state).
    if (p.pending > 0) expect(referenceRoom(model.pool.poolSize, model.participants, definition, p)).toBe(0);
  }
  expect(model.pool.poolSize).toBeGreaterThanOrEqual(definition.groups.reduce((sum, g) => sum + g.reserve, 0));
}

/**
 * Rules that hold across a step: a group at or over its max, a participant at or over its cap
 * never grows; the reservations' excess (Σ granted + Σ unmet beyond the pool, possible only
 * after a policy change or a smaller pool: rule 5) never grows otherwise.
 */
function expectNoGrowthBeyondLimits(before: Model, after: Model, s: Step): void {
  const definition = after.definition;
  if (definition === undefined) return;
  // Membership may change in the step (a policy change): count the group's members as after it.
  const members = new Map(after.participants.map((p) => [p.id, p.group ?? "default"]));
  const heldBefore = (name: string) =>
    before.participants.filter((p) => members.get(p.id) === name).reduce((sum, p) => sum + p.granted, 0);
  for (const g of definition.groups) {
    const held = heldBefore(g.name);
    if (g.max !== null && held >= g.max && s.kind !== "rehost")
      expect(heldOf(after.participants, g.name)).toBeLessThanOrEqual(held);
  }
  for (const p of after.participants) {
    const was = before.participants.find((q) => q.id === p.id);
    if (was !== undefined && p.maxGranted != null && was.granted >= p.maxGranted) {
      expect(p.granted).toBeLessThanOrEqual(was.granted);
    }
  }
  // Administrative steps may leave the reservations short (rule 5); a re-registration that moves
  // a grant between groups takes nothing back either.
  const administrative = ["policy", "pause", "pausePool", "resize", "rehost"].includes(s.kind);
  if (!administrative)
    expect(Math.max(0, reservationExcess(after))).toBeLessThanOrEqual(Math.max(0, reservationExcess(before)));
  // With reservations that fit and no administrative step before, the spec's "hence" of rule 1.
  if (before.definition === definition && reservationExcess(before) <= 0 && !administrative) {
    expect(reservationExcess(after)).toBeLessThanOrEqual(0);
  }
}
