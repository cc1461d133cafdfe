import type { SeededParticipant } from "@sls/server/testing";

export interface Call {
  index: number;
  path: string;
  body: string;
  token: string;
}

/** What the load generator sends next, and what it learns from each answer. */
export interface CallSource {
  next(): Call;
  answered(index: number, status: number, body: string): void;
}

const PATH = "/api/trpc/appliance.";

/** One participant's calls in order: the cycle each participant of a mix goes through. */
export type Cycle = ReadonlyArray<"request" | "refresh" | "release">;

/** A steady fleet: request 50, four refreshes, release 50, four refreshes (80 % refresh, 10 % each). */
export const STEADY: Cycle = [
  "request",
  "refresh",
  "refresh",
  "refresh",
  "refresh",
  "release",
  "refresh",
  "refresh",
  "refresh",
  "refresh",
];
/** A flapping fleet: request 50, refresh, release 50 (a third each). */
export const FLAPPING: Cycle = ["request", "refresh", "release"];
/** Grant-changing calls only: request 50, release 50. */
export const GRANTS: Cycle = ["request", "release"];

/**
 * The appliance mix: each participant in turn goes through its cycle. A participant with a call
 * in flight is skipped, so one participant's calls never overlap.
 */
export class ApplianceMix implements CallSource {
  private turn = 0;
  private readonly step: Uint16Array;
  private readonly inFlight: Uint8Array;
  private readonly lastGranted: Int32Array;
  private readonly heardFrom: Uint8Array;
  private readonly lastVerb: string[];
  private requestSeq = 0;

  constructor(
    private readonly participants: SeededParticipant[],
    private readonly cycle: Cycle = STEADY,
  ) {
    this.step = new Uint16Array(participants.length);
    this.inFlight = new Uint8Array(participants.length);
    this.lastGranted = new Int32Array(participants.length);
    this.heardFrom = new Uint8Array(participants.length);
    this.lastVerb = new Array<string>(participants.length);
  }

  next(): Call {
    const index = this.nextIdle();
    const verb = this.cycle[this.step[index]!]!;
    this.step[index] = (this.step[index]! + 1) % this.cycle.length;
    this.inFlight[index] = 1;
    this.lastVerb[index] = verb;
    const { token } = this.participants[index]!;
    if (verb === "request")
      return { index, token, path: `${PATH}request`, body: `{"sessions":50,"requestId":"bench-${++this.requestSeq}"}` };
    if (verb === "release") return { index, token, path: `${PATH}release`, body: `{"sessions":50}` };
    return { index, token, path: `${PATH}refresh`, body: `{"inUse":${this.step[index]! * 10}}` };
  }

  /**
   * The next participant in turn with no call in flight: an appliance makes one call at a time,
   * and a slow answer must not let its next call overtake it.
   */
  private nextIdle(): number {
    for (let tries = 0; tries < this.participants.length; tries++) {
      const index = this.turn++ % this.participants.length;
      if (!this.inFlight[index]) return index;
    }
    throw new Error(
      `every one of the ${this.participants.length} participants has a call in flight; give the mix more participants than connections`,
    );
  }

  /**
   * Only grant-changing answers count as acknowledged grants: they are sent after the commit. A
   * refresh answered by another process may lag a grant by up to the change feed's bound (1 s).
   */
  answered(index: number, status: number, body: string): void {
    this.inFlight[index] = 0;
    if (status !== 200 || this.lastVerb[index] === "refresh") return;
    const granted = (JSON.parse(body) as { result: { data: { granted: number } } }).result.data.granted;
    this.lastGranted[index] = granted;
    this.heardFrom[index] = 1;
  }

  /** serial → granted in its last grant-changing answer, for participants with no call cut off by the end of the run. */
  acknowledged(): Map<string, number> {
    const map = new Map<string, number>();
    this.participants.forEach(({ serial }, i) => {
      if (this.heardFrom[i] && !this.inFlight[i]) map.set(serial, this.lastGranted[i]!);
    });
    return map;
  }
}

/** Refreshes only, each participant in turn: at N/30 calls per second that is everyone once per 30 s interval. */
export class RefreshRotation implements CallSource {
  private turn = 0;

  constructor(private readonly participants: SeededParticipant[]) {}

  next(): Call {
    const index = this.turn++ % this.participants.length;
    return { index, token: this.participants[index]!.token, path: `${PATH}refresh`, body: `{"inUse":${index % 100}}` };
  }

  answered(): void {}
}
