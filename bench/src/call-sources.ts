import type { SeededParticipant } from "./seed.ts";

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

/**
 * The appliance mix: each participant in turn, each going through a cycle of ten calls:
 * request 50, four refreshes, release 50, four refreshes (80 % refresh, 10 % request, 10 % release).
 * A participant with a call in flight is skipped, so one participant's calls never overlap.
 */
export class ApplianceMix implements CallSource {
  private turn = 0;
  private readonly step: Uint8Array;
  private readonly inFlight: Uint8Array;
  private readonly lastGranted: Int32Array;
  private readonly heardFrom: Uint8Array;
  private requestSeq = 0;

  constructor(private readonly participants: SeededParticipant[]) {
    this.step = new Uint8Array(participants.length);
    this.inFlight = new Uint8Array(participants.length);
    this.lastGranted = new Int32Array(participants.length);
    this.heardFrom = new Uint8Array(participants.length);
  }

  next(): Call {
    const index = this.nextIdle();
    const step = this.step[index]!;
    this.step[index] = (step + 1) % 10;
    this.inFlight[index] = 1;
    const { token } = this.participants[index]!;
    if (step === 0) return { index, token, path: `${PATH}request`, body: `{"sessions":50,"requestId":"bench-${++this.requestSeq}"}` };
    if (step === 5) return { index, token, path: `${PATH}release`, body: `{"sessions":50}` };
    return { index, token, path: `${PATH}refresh`, body: `{"inUse":${step * 10}}` };
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
    throw new Error(`every one of the ${this.participants.length} participants has a call in flight; give the mix more participants than connections`);
  }

  answered(index: number, status: number, body: string): void {
    this.inFlight[index] = 0;
    if (status !== 200) return;
    const granted = (JSON.parse(body) as { result: { data: { granted: number } } }).result.data.granted;
    this.lastGranted[index] = granted;
    this.heardFrom[index] = 1;
  }

  /** serial → granted in its last answer, for participants that had answers and no call cut off by the end of the run. */
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
