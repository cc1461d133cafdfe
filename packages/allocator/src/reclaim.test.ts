import { describe, expect, it } from "vitest";
import { isSilent, reclaim } from "./reclaim";
import { expectSound, find, participant, refusal, stateOf } from "./test-fixtures";
import type { ReclaimCause } from "./types";

describe("isSilent", () => {
  const seenAt = participant("a", { lastSeenAt: 1_000_000 });

  it("is false up to and including 3 refresh intervals of silence", () => {
    expect(isSilent(seenAt, 1_000_000, 30)).toBe(false);
    expect(isSilent(seenAt, 1_000_000 + 90_000, 30)).toBe(false);
  });

  it("is true beyond 3 refresh intervals of silence", () => {
    expect(isSilent(seenAt, 1_000_000 + 90_001, 30)).toBe(true);
    expect(isSilent(seenAt, 1_000_000 + 30_001, 10)).toBe(true);
  });
});

describe("reclaim", () => {
  it.each<ReclaimCause>(["reclaim", "force-release", "remove"])(
    "takes back grant and pending with cause %s",
    (cause) => {
      const before = stateOf(200, [
        participant("a", { granted: 150, pending: 100, pendingSeq: 1 }),
        participant("b", { granted: 50 }),
      ]);
      const outcome = reclaim(before, "ptc_a", cause);
      expect(outcome.result).toEqual({ freed: 150, withdrawn: 100 });
      expect(outcome.changes).toEqual([
        {
          id: "ptc_a",
          serial: "A",
          cause,
          grantedDelta: -150,
          pendingDelta: -100,
          granted: 0,
          pending: 0,
          pendingSeq: null,
        },
      ]);
      expect(outcome.state.participants.map((p) => p.id)).toEqual(["ptc_a", "ptc_b"]);
      expectSound(before, outcome);
    },
  );

  it("hands the freed sessions to the queue", () => {
    const before = stateOf(200, [
      participant("a", { granted: 150, lastSeenAt: 0 }),
      participant("b", { granted: 50, pending: 200, pendingSeq: 1 }),
    ]);
    const outcome = reclaim(before, "ptc_a", "reclaim");
    expect(outcome.changes.map((c) => [c.serial, c.cause, c.grantedDelta])).toEqual([
      ["A", "reclaim", -150],
      ["B", "grant-pending", 150],
    ]);
    expect(find(outcome.state, "b")).toMatchObject({ granted: 200, pending: 50, pendingSeq: 1 });
    expectSound(before, outcome);
  });

  it("changes nothing for a participant that holds nothing", () => {
    const outcome = reclaim(stateOf(100, [participant("a")]), "ptc_a", "reclaim");
    expect(outcome.changes).toEqual([]);
    expect(outcome.result).toEqual({ freed: 0, withdrawn: 0 });
  });

  it("refuses an unknown participant", () => {
    refusal(() => reclaim(stateOf(100, []), "ptc_a", "remove"), "UNKNOWN_PARTICIPANT");
  });
});
