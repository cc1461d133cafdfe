import { Participant } from "../src/participant.ts";
import type { ParticipantEvents } from "../src/events.ts";
import type { ParticipantOptions } from "../src/options.ts";
import { FakeClock } from "./fake-clock.ts";
import { FakeServer, FakeTransport } from "./fake-server.ts";

export const MAIN_URL = "http://main.example.net:3000";
export const BACKUP_URL = "http://backup.example.net:3000";

type Recorded = { [K in keyof ParticipantEvents]: { name: K; payload: ParticipantEvents[K] } }[keyof ParticipantEvents];

const EVENT_NAMES: Array<keyof ParticipantEvents> = ["granted", "released", "failed-over", "grace-started", "grace-ended", "error"];

/** A participant on a fake clock, talking to a fake main server (and a backup when asked). */
export function setup(overrides: Partial<ParticipantOptions> = {}, pool = 1000) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const main = transport.add(new FakeServer(MAIN_URL, pool));
  const participant = new Participant({
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
    ...overrides,
  });
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
