import { describe, expect, it } from "vitest";
import { sessionsToRelease, sessionsToRequest } from "./demand.ts";

const asa = { platformLimit: 1000, localLimit: 100, granted: 0, pending: 0 };

describe("sessionsToRequest", () => {
  it("asks for nothing while the local licence covers the load", () => {
    expect(sessionsToRequest(asa, 100)).toBe(0);
  });

  it("rounds the shortfall up to 50-session blocks", () => {
    expect(sessionsToRequest(asa, 101)).toBe(50);
    expect(sessionsToRequest(asa, 260)).toBe(200);
  });

  it("counts the grant and the pending demand as held", () => {
    expect(sessionsToRequest({ ...asa, granted: 100, pending: 100 }, 300)).toBe(0);
    expect(sessionsToRequest({ ...asa, granted: 100, pending: 100 }, 320)).toBe(50);
  });

  it("never asks past the platform limit", () => {
    expect(sessionsToRequest(asa, 5000)).toBe(900);
    expect(sessionsToRequest({ ...asa, granted: 850 }, 5000)).toBe(50);
    expect(sessionsToRequest({ ...asa, granted: 900 }, 5000)).toBe(0);
    // 30 sessions of headroom are less than one block: nothing can be asked for.
    expect(sessionsToRequest({ ...asa, localLimit: 120, granted: 850 }, 5000)).toBe(0);
  });
});

describe("sessionsToRelease", () => {
  it("keeps the margin above the load and gives back whole blocks", () => {
    expect(sessionsToRelease({ ...asa, granted: 400 }, 300, 50)).toBe(150);
    expect(sessionsToRelease({ ...asa, granted: 400 }, 320, 50)).toBe(100);
  });

  it("gives back nothing while the spare is under a block beyond the margin", () => {
    expect(sessionsToRelease({ ...asa, granted: 400 }, 420, 50)).toBeNull();
    expect(sessionsToRelease({ ...asa, granted: 400 }, 499, 50)).toBeNull();
  });

  it("never gives back more than the grant", () => {
    expect(sessionsToRelease({ ...asa, granted: 100 }, 0, 0)).toBe(100);
  });

  it("withdraws pending demand (a release of 0) once the load fits what is held", () => {
    expect(sessionsToRelease({ ...asa, granted: 200, pending: 100 }, 280, 50)).toBe(0);
    expect(sessionsToRelease({ ...asa, granted: 200, pending: 100 }, 301, 50)).toBeNull();
  });

  it("releases and withdraws together when the load fell far", () => {
    expect(sessionsToRelease({ ...asa, granted: 400, pending: 100 }, 100, 50)).toBe(350);
  });
});
