import { fetchTransport, Participant, type ParticipantEvents, type Transport } from "@sls/participant";
import type { SimulatorConfig } from "./args.ts";
import { loadShare } from "./curves.ts";
import { buildFleet, type ApplianceSpec } from "./fleet.ts";
import { seededRandom } from "./random.ts";
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
  errors: number;
}

type EventCounts = Record<keyof ParticipantEvents, number>;

const REGISTER_RETRY_MS = 5_000;
/** Each appliance's load wanders a little around its curve. */
const JITTER = 0.05;

/** A fleet of simulated appliances, each a real `Participant`, driven by a load curve. */
export class FleetSimulator {
  readonly stats: CallStats;
  readonly events: EventCounts = { granted: 0, released: 0, "failed-over": 0, "grace-started": 0, "grace-ended": 0, error: 0 };
  readonly errorSamples: string[] = [];
  private readonly fleet: Array<{ spec: ApplianceSpec; participant: Participant; up: boolean }>;
  private readonly random: () => number;
  private readonly startedAt: number;
  private tickTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly config: SimulatorConfig,
    transport: Transport = fetchTransport,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.stats = new CallStats();
    this.random = seededRandom(config.seed + 1);
    this.startedAt = now();
    const counted = this.stats.wrap(transport);
    this.fleet = buildFleet(config.appliances, config.serialPrefix, config.seed).map((spec) => ({
      spec,
      participant: this.participantFor(spec, counted),
      up: false,
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

  /** Registers the fleet a few at a time (retrying those that fail) and starts moving the loads. */
  async start(): Promise<void> {
    this.tick();
    this.tickTimer = setInterval(() => this.tick(), this.config.tickSec * 1000);
    const queue = [...this.fleet];
    const worker = async () => {
      for (let member = queue.shift(); member && !this.stopped; member = queue.shift()) await this.bringUp(member);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.rampConcurrency, queue.length) }, worker));
  }

  private async bringUp(member: (typeof this.fleet)[number]): Promise<void> {
    try {
      await member.participant.start();
      member.up = true;
      member.participant.setLoad(this.loadOf(member.spec));
    } catch (error) {
      if (this.errorSamples.length < 5) this.errorSamples.push(`${member.spec.serial} register: ${(error as Error).message}`);
      if (!this.stopped) setTimeout(() => void this.bringUp(member), REGISTER_RETRY_MS).unref();
    }
  }

  private loadOf(spec: ApplianceSpec): number {
    const elapsedSec = (this.now() - this.startedAt) / 1000;
    const share = loadShare(this.config.curve, elapsedSec, { periodSec: this.config.periodSec, phase: spec.phase });
    const jitter = 1 + (this.random() * 2 - 1) * JITTER;
    return Math.max(0, Math.round(spec.platformLimit * this.config.peak * share * jitter));
  }

  private tick(): void {
    for (const member of this.fleet) if (member.up) member.participant.setLoad(this.loadOf(member.spec));
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
      errors: this.stats.totalErrors,
    };
  }

  /** Stops every appliance; with `release` they give their sessions back first. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    await Promise.allSettled(this.fleet.map((member) => member.participant.stop(options)));
  }
}
