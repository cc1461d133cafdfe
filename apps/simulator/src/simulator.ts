import {
  Backoff,
  DEFAULTS,
  fetchTransport,
  Participant,
  seededRandom,
  type ParticipantEvents,
  type Random,
  type Transport,
} from "@sls/participant";
import type { SimulatorConfig } from "./args.ts";
import { loadShare } from "./curves.ts";
import { buildFleet, type ApplianceSpec } from "./fleet.ts";
import { CallStats } from "./stats.ts";

export interface FleetSnapshot {
  elapsedSec: number;
  total: number;
  up: number;
  granted: number;
  pending: number;
  load: number;
  callsPerSec: number;
  calls: number;
  /** Calls the server refused as OVERLOADED (they are retried after the back-off). */
  shed: number;
  errors: number;
}

type EventCounts = Record<keyof ParticipantEvents, number>;

/** Each appliance's load wanders a little around its curve. */
const JITTER = 0.05;

interface Member {
  spec: ApplianceSpec;
  participant: Participant;
  up: boolean;
  /** Paces the attempts to start again after `start()` failed (server unreachable, ...). */
  restarts: Backoff;
}

/** A fleet of simulated appliances, each a real `Participant`, driven by a load curve. */
export class FleetSimulator {
  readonly stats: CallStats;
  readonly events: EventCounts = {
    granted: 0,
    released: 0,
    "failed-over": 0,
    "grace-started": 0,
    "grace-ended": 0,
    retrying: 0,
    error: 0,
  };
  readonly errorSamples: string[] = [];
  private readonly fleet: Member[];
  private readonly random: Random;
  /** The appliances' own jitter (start spread, refresh timer, back-off): seeded too, but apart from the loads. */
  private readonly clientRandom: Random;
  private readonly startedAt: number;
  /**
   * Each appliance's load changes on its own beat, the fleet spread evenly over one tick: real
   * appliances are not in step, and a fleet in one process that changed every load in the same
   * millisecond sent its calls in one burst and measured its own queue as latency.
   */
  private readonly tickTimers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly config: SimulatorConfig,
    transport: Transport = fetchTransport,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.stats = new CallStats();
    this.random = seededRandom(config.seed + 1);
    this.clientRandom = seededRandom(config.seed + 2);
    this.startedAt = now();
    const counted = this.stats.wrap(transport);
    const restartPolicy = { baseMs: DEFAULTS.retryDelayMs, capMs: DEFAULTS.maxRetryDelayMs, random: this.clientRandom };
    this.fleet = buildFleet(config.appliances, config.serialPrefix, config.seed).map((spec) => ({
      spec,
      participant: this.participantFor(spec, counted),
      up: false,
      restarts: new Backoff(restartPolicy),
    }));
  }

  private participantFor(spec: ApplianceSpec, transport: Transport): Participant {
    const participant = new Participant({
      serverUrl: this.config.url,
      secret: this.config.secret,
      serial: spec.serial,
      hostname: spec.hostname,
      model: spec.model,
      platformLimit: spec.platformLimit,
      localLimit: spec.localLimit,
      releaseDelayMs: this.config.releaseDelaySec * 1000,
      startSpreadMs: this.config.startSpreadMs,
      random: this.clientRandom,
      transport,
    });
    for (const name of Object.keys(this.events) as Array<keyof ParticipantEvents>) {
      participant.on(name, (payload) => {
        this.events[name] += 1;
        if (name === "error" && this.errorSamples.length < 5) {
          const { verb, error } = payload as ParticipantEvents["error"];
          this.errorSamples.push(`${spec.serial} ${verb}: ${error.message}`);
        }
      });
    }
    return participant;
  }

  /**
   * Starts every appliance at once, as a fleet powered up together: each waits its own share of
   * the start spread and registers (backing off by itself when the server sheds the call). Those
   * whose start fails (server unreachable, ...) try again after a jittered back-off. Resolves when
   * every appliance has made its first attempt.
   */
  async start(): Promise<void> {
    this.tick();
    const tickMs = this.config.tickSec * 1000;
    this.fleet.forEach((member, index) => {
      const first = setTimeout(
        () => {
          this.tickOne(member);
          this.tickTimers.push(setInterval(() => this.tickOne(member), tickMs));
        },
        (index * tickMs) / this.fleet.length,
      );
      this.tickTimers.push(first);
    });
    await Promise.all(this.fleet.map((member) => this.bringUp(member)));
  }

  private async bringUp(member: Member): Promise<void> {
    try {
      await member.participant.start();
      if (!member.participant.state.registered) return; // stopped during its start spread
      member.up = true;
      member.participant.setLoad(this.loadOf(member.spec));
    } catch (error) {
      if (this.errorSamples.length < 5)
        this.errorSamples.push(`${member.spec.serial} register: ${(error as Error).message}`);
      if (!this.stopped) setTimeout(() => void this.bringUp(member), member.restarts.next(error).delayMs).unref();
    }
  }

  private loadOf(spec: ApplianceSpec): number {
    const elapsedSec = (this.now() - this.startedAt) / 1000;
    const share = loadShare(this.config.curve, elapsedSec, { periodSec: this.config.periodSec, phase: spec.phase });
    const jitter = 1 + (this.random() * 2 - 1) * JITTER;
    return Math.max(0, Math.round(spec.platformLimit * this.config.peak * share * jitter));
  }

  private tick(): void {
    for (const member of this.fleet) this.tickOne(member);
  }

  private tickOne(member: Member): void {
    if (member.up && !this.stopped) member.participant.setLoad(this.loadOf(member.spec));
  }

  snapshot(): FleetSnapshot {
    let granted = 0;
    let pending = 0;
    let load = 0;
    let up = 0;
    for (const member of this.fleet) {
      if (!member.up) continue;
      const state = member.participant.state;
      up += 1;
      granted += state.granted;
      pending += state.pending;
      load += state.load;
    }
    return {
      elapsedSec: (this.now() - this.startedAt) / 1000,
      total: this.fleet.length,
      up,
      granted,
      pending,
      load,
      callsPerSec: this.stats.rate(),
      calls: this.stats.totalCalls,
      shed: this.stats.totalShed,
      errors: this.stats.totalErrors,
    };
  }

  /** Stops every appliance; with `release` they give their sessions back first. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const timer of this.tickTimers) clearTimeout(timer);
    await Promise.allSettled(this.fleet.map((member) => member.participant.stop(options)));
  }
}
