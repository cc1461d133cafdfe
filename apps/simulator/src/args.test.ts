import { describe, expect, it } from "vitest";
import { parseSimulatorArgs, UsageError } from "./args.ts";

describe("parseSimulatorArgs", () => {
  it("fills in the defaults", () => {
    expect(parseSimulatorArgs(["--secret", "s3cret"])).toEqual({
      url: "http://localhost:3000",
      secret: "s3cret",
      appliances: 20,
      curve: "daily",
      periodSec: 86_400,
      peak: 0.6,
      durationSec: null,
      serialPrefix: "SIM",
      seed: 1,
      releaseDelaySec: 60,
      tickSec: 1,
      startSpreadMs: 100,
      quiet: false,
    });
  });

  it("reads every option, short ones too", () => {
    const config = parseSimulatorArgs(
      [
        "--url",
        "http://lic:3000/",
        "-n",
        "40",
        "--curve",
        "spike",
        "--period",
        "120",
        "--peak",
        "0.9",
        "--duration",
        "30",
        "--serial-prefix",
        "DEMO-",
        "--seed",
        "7",
        "--release-delay",
        "10",
        "--tick",
        "0.5",
        "--start-spread",
        "0",
        "--quiet",
      ],
      { SLS_SHARED_SECRET: "from-env" },
    );
    expect(config).toMatchObject({
      url: "http://lic:3000",
      secret: "from-env",
      appliances: 40,
      curve: "spike",
      periodSec: 120,
      peak: 0.9,
      durationSec: 30,
      serialPrefix: "DEMO-",
      seed: 7,
      releaseDelaySec: 10,
      tickSec: 0.5,
      startSpreadMs: 0,
      quiet: true,
    });
  });

  it("spreads a bigger fleet's start over longer by default, 5 ms per appliance", () => {
    expect(parseSimulatorArgs(["--secret", "s", "-n", "10000"])?.startSpreadMs).toBe(50_000);
    expect(parseSimulatorArgs(["--secret", "s", "-n", "10000", "--start-spread", "120000"])?.startSpreadMs).toBe(
      120_000,
    );
    expect(() => parseSimulatorArgs(["--secret", "s", "--start-spread=-1"])).toThrow(
      /--start-spread must be a whole number from 0 to 3600000; got "-1"/,
    );
  });

  it('takes the "--" that pnpm passes on', () => {
    expect(parseSimulatorArgs(["--", "--secret", "s", "-n", "3"])).toMatchObject({ secret: "s", appliances: 3 });
  });

  it("returns null for --help", () => {
    expect(parseSimulatorArgs(["-h"])).toBeNull();
  });

  it("names every bad argument with the value given", () => {
    const attempt = () =>
      parseSimulatorArgs(["-n", "0", "--curve", "weekly", "--peak", "1.5", "--url", "lic:3000", "--tick", "x"]);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/--appliances must be a whole number from 1 to 100000; got "0"/);
    expect(attempt).toThrow(/--curve must be one of steady, daily, spike; got "weekly"/);
    expect(attempt).toThrow(/--peak must be a number from 0 to 1; got "1.5"/);
    expect(attempt).toThrow(/--url must be an http:\/\/ or https:\/\/ URL; got "lic:3000"/);
    expect(attempt).toThrow(/--tick must be a number from 0.1 to 3600; got "x"/);
    expect(attempt).toThrow(/--secret is required/);
  });

  it("refuses unknown options and stray arguments", () => {
    expect(() => parseSimulatorArgs(["--secret", "s", "--fast"])).toThrow(/Unknown option '--fast'/);
    expect(() => parseSimulatorArgs(["--secret", "s", "extra"])).toThrow(UsageError);
    expect(() => parseSimulatorArgs(["--secret"])).toThrow(/argument missing/);
  });
});
