import { HOUR_MS, MAX_PLATFORM_LIMIT } from "@sls/allocator";
import { isSerial } from "@sls/server/contracts";
import { ZRegisterInput } from "@sls/server/contracts/appliance";
import { describe, expect, it } from "vitest";
import {
  DEFAULTS,
  ParticipantOptionsError,
  registerInputOf,
  resolveOptions,
  type ParticipantOptions,
} from "./options.ts";

const valid: ParticipantOptions = {
  serverUrl: "http://licensing.example.net:3000/",
  secret: "s3cret",
  serial: "JAD2231A0BC",
  hostname: "vpn-east.example.net",
  model: "ASA5555-X",
  platformLimit: 5000,
  localLimit: 250,
};

describe("resolveOptions", () => {
  it("fills in the spec's defaults (24 h grace) and trims the URL", () => {
    const resolved = resolveOptions(valid);
    expect(resolved.graceMs).toBe(24 * HOUR_MS);
    expect(resolved.releaseDelayMs).toBe(DEFAULTS.releaseDelayMs);
    expect(resolved).toMatchObject({
      retryDelayMs: 5_000,
      maxRetryDelayMs: 60_000,
      startSpreadMs: 0,
      random: Math.random,
    });
    expect(resolved.serverUrl).toBe("http://licensing.example.net:3000");
  });

  it("lists every bad option with the value given", () => {
    const attempt = () =>
      resolveOptions({
        ...valid,
        serverUrl: "licensing:3000",
        serial: "bad serial!",
        localLimit: 6000,
        graceMs: -1,
        maxRefreshIntervalMs: 0,
      });
    expect(attempt).toThrow(ParticipantOptionsError);
    expect(attempt).toThrow(/serverUrl must be an http:\/\/ or https:\/\/ URL; got "licensing:3000"/);
    expect(attempt).toThrow(/serial must be .*; got "bad serial!"/);
    expect(attempt).toThrow(/localLimit must be .*; got 6000/);
    expect(attempt).toThrow(/graceMs must be .*; got -1/);
    expect(attempt).toThrow(/maxRefreshIntervalMs must be .*; got 0/);
  });

  it("checks the back-off, the start spread and the random source", () => {
    const attempt = () => resolveOptions({ ...valid, maxRetryDelayMs: 1.5, startSpreadMs: -10, random: 42 as never });
    expect(attempt).toThrow(/maxRetryDelayMs must be a whole number of milliseconds ≥ 1; got 1.5/);
    expect(attempt).toThrow(/startSpreadMs must be a whole number of milliseconds ≥ 0; got -10/);
    expect(attempt).toThrow(/random must be a function returning numbers in \[0, 1\); got 42/);
    expect(() => resolveOptions({ ...valid, retryDelayMs: 10_000, maxRetryDelayMs: 5_000 })).toThrow(
      /maxRetryDelayMs must be at least retryDelayMs \(10000\); got 5000/,
    );
    expect(resolveOptions({ ...valid, retryDelayMs: 10_000, maxRetryDelayMs: 10_000 }).maxRetryDelayMs).toBe(10_000);
  });

  it("takes exactly the serials the server takes", () => {
    const serials = ["JAD2231A0BC", "a.b_c-9", "x".repeat(64), "x".repeat(65), "", "bad serial!", "ünit", "a/b"];
    const accepts = (serial: string) => {
      try {
        resolveOptions({ ...valid, serial });
        return true;
      } catch {
        return false;
      }
    };
    expect(serials.map(accepts)).toEqual(serials.map(isSerial));
  });

  it("takes exactly the registrations the server's schema takes", () => {
    const cases: Array<Partial<ParticipantOptions>> = [
      { secret: "" },
      { secret: "x".repeat(128) },
      { secret: "x".repeat(129) },
      { hostname: "" },
      { hostname: "x".repeat(253) },
      { hostname: "x".repeat(254) },
      { model: "" },
      { model: "x".repeat(64) },
      { model: "x".repeat(65) },
      { platformLimit: 0 },
      { platformLimit: MAX_PLATFORM_LIMIT, localLimit: 0 },
      { platformLimit: MAX_PLATFORM_LIMIT + 1, localLimit: 0 },
      { platformLimit: 1.5 },
      { localLimit: -1 },
      { localLimit: valid.platformLimit },
      { localLimit: valid.platformLimit + 1 },
      { haPeerSerial: "JAD2231A0BD" },
      { haPeerSerial: "bad serial!" },
    ];
    for (const change of cases) {
      const options = { ...valid, ...change };
      const server = ZRegisterInput.safeParse(registerInputOf(options));
      let participant = true;
      try {
        resolveOptions(options);
      } catch {
        participant = false;
      }
      expect({ change, accepted: participant }).toEqual({ change, accepted: server.success });
    }
  });

  it("ignores options given as undefined", () => {
    expect(resolveOptions({ ...valid, graceMs: undefined }).graceMs).toBe(DEFAULTS.graceMs);
  });
});
