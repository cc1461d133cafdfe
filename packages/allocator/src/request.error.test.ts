import { describe, expect, it } from "vitest";
import { requestSessions } from "./request";
import { participant, refusal, stateOf } from "./test-fixtures";

describe("requestSessions refusals", () => {
  const state = stateOf(1000, [participant("a"), participant("b", { pending: 0 })]);

  it.each([70, 0, -50, 50.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %s sessions as NOT_A_MULTIPLE_OF_50",
    (sessions) => {
      const error = refusal(() => requestSessions(state, "ptc_a", sessions), "NOT_A_MULTIPLE_OF_50");
      expect(error.message).toBe(`sessions must be a positive multiple of 50; got ${sessions}`);
    },
  );

  it("quotes a value of the wrong type as given", () => {
    const error = refusal(() => requestSessions(state, "ptc_a", "100" as unknown as number), "NOT_A_MULTIPLE_OF_50");
    expect(error.message).toContain('got "100"');
  });

  it("refuses a participant missing from the state as UNKNOWN_PARTICIPANT", () => {
    const error = refusal(() => requestSessions(state, "ptc_zz", 50), "UNKNOWN_PARTICIPANT");
    expect(error.message).toContain('"ptc_zz"');
  });

  it("refuses a state that lacks part of the queue as INCOMPLETE_STATE when sessions could be served", () => {
    const withQueue = stateOf(200, [participant("a"), participant("b", { granted: 100, pending: 50, pendingSeq: 1 })]);
    const slice = { pool: withQueue.pool, participants: [withQueue.participants[0]!] };
    const error = refusal(() => requestSessions(slice, "ptc_a", 50), "INCOMPLETE_STATE");
    expect(error.message).toBe(
      "the participants given hold 0 pending sessions but the pool counts 50; pass every participant with pending > 0",
    );
  });

  it("needs no queue while the pool is exhausted: the ask joins the queue behind it", () => {
    const withQueue = stateOf(100, [participant("a"), participant("b", { granted: 100, pending: 50, pendingSeq: 1 })]);
    const slice = { pool: withQueue.pool, participants: [withQueue.participants[0]!] };
    const outcome = requestSessions(slice, "ptc_a", 50);
    expect(outcome.result).toEqual({ granted: 0, added: 0, pending: 50 });
    expect(outcome.changes[0]).toMatchObject({ id: "ptc_a", pendingSeq: 2 });
  });

  it("refuses a state that repeats a participant as INCOMPLETE_STATE", () => {
    const a = participant("a");
    const error = refusal(() => requestSessions(stateOf(100, [a, a]), "ptc_a", 50), "INCOMPLETE_STATE");
    expect(error.message).toBe('participant "ptc_a" appears twice in the state; pass each participant once');
  });
});
