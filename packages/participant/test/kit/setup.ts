import { Participant } from "../../src/participant.ts";
import type { ParticipantEvents } from "../../src/events.ts";
import type { ParticipantOptions } from "../../src/options.ts";
import type { Verb } from "../../src/protocol.ts";
import { seededRandom } from "../../src/random.ts";
import type { Transport } from "../../src/transport.ts";
import { FakeClock } from "./fake-clock.ts";
import { FakeServer, FakeTransport } from "./fake-server.ts";

export const MAIN_URL = "http://main.example.net:3000";
export const BACKUP_URL = "http://backup.example.net:3000";

type Recorded = { [K in keyof ParticipantEvents]: { name: K; payload: ParticipantEvents[K] } }[keyof ParticipantEvents];

const EVENT_NAMES: Array<keyof ParticipantEvents> = [
  "granted",
  "released",
  "failed-over",
  "grace-started",
  "grace-ended",
  "retrying",
  "error",
];

/**
 * A participant on a fake clock, talking to a fake main server (and a backup when asked). Its
 * random source returns 0.5 unless a test passes another: refresh timers then fire exactly at
 * the interval (no jitter) and back-off delays are half their window.
 */
export function setup(overrides: Partial<ParticipantOptions> = {}, pool = 1000) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const main = transport.add(new FakeServer(MAIN_URL, pool));
  const participant = new Participant({ ...testOptions(clock, transport), random: () => 0.5, ...overrides });
  const events: Recorded[] = [];
  for (const name of EVENT_NAMES) participant.on(name, (payload) => events.push({ name, payload } as Recorded));
  const named = <K extends keyof ParticipantEvents>(name: K) =>
    events.filter((e) => e.name === name).map((e) => e.payload as ParticipantEvents[K]);
  const withBackup = () => {
    const backup = transport.add(new FakeServer(BACKUP_URL, pool));
    main.backup = { address: "backup.example.net:3000" };
    return backup;
  };
  /** Registers, sets the load and lets the resulting calls finish. */
  const startWithLoad = async (load: number) => {
    await participant.start();
    participant.setLoad(load);
    await clock.advance(0);
  };
  return { clock, transport, main, participant, events, named, withBackup, startWithLoad };
}

function testOptions(clock: FakeClock, transport: Transport): ParticipantOptions {
  return {
    serverUrl: MAIN_URL,
    secret: "s3cret",
    serial: "JAD0001",
    hostname: "vpn-1.example.net",
    model: "ASA5555-X",
    platformLimit: 1000,
    localLimit: 100,
    releaseDelayMs: 60_000,
    releaseMargin: 50,
    callTimeoutMs: 5_000,
    retryDelayMs: 2_000,
    clock,
    transport,
  };
}

export interface FleetCall {
  serial: string;
  verb: Verb;
  at: number;
  input: unknown;
}

/**
 * `size` participants on one fake clock, all talking to one fake server (room for everyone's
 * asks), drawing their jitter from one seeded random source. Every call is recorded with its time.
 */
export function fleetSetup(size: number, overrides: Partial<ParticipantOptions> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const main = transport.add(new FakeServer(MAIN_URL, size * 1000));
  const random = seededRandom(2026);
  const calls: FleetCall[] = [];
  const participants = Array.from({ length: size }, (_, i) => {
    const serial = `FLEET${String(i + 1).padStart(4, "0")}`;
    const recording: Transport = {
      call(baseUrl, verb, input, options) {
        calls.push({ serial, verb, at: clock.now(), input });
        return transport.call(baseUrl, verb, input, options);
      },
    };
    return new Participant({
      ...testOptions(clock, recording),
      serial,
      hostname: `${serial.toLowerCase()}.example.net`,
      random,
      ...overrides,
    });
  });
  /** Each participant's `n`-th call of `verb` (0 for the first), for those that made one. */
  const nth = (verb: Verb, n: number): FleetCall[] => {
    const seen = new Map<string, number>();
    return calls.filter((call) => {
      if (call.verb !== verb) return false;
      const index = seen.get(call.serial) ?? 0;
      seen.set(call.serial, index + 1);
      return index === n;
    });
  };
  return { clock, main, participants, calls, nth };
}

/** The most of `times` that fall in any one window of `windowMs` (a sliding window, not fixed buckets). */
export function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
