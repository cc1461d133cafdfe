import {
  fetchTransport,
  UnreachableError,
  type CallOptions,
  type Calls,
  type Transport,
  type Verb,
} from "@sls/participant";

type Figures = { granted: number; pending: number };

/**
 * The simulator's transport, watched: which appliance each call belongs to (its serial, or the
 * token its registration returned), the last grant the server acknowledged to each, whether a
 * `request` of it is still unanswered (sent, no answer: it may have been granted unheard), and
 * from `mark()` on, when each appliance first had a call of one verb answered.
 */
export class FleetRecorder implements Transport {
  private readonly serialOfToken = new Map<string, string>();
  private readonly lastAnswer = new Map<string, Figures>();
  private readonly unanswered = new Set<string>();
  private readonly answeredSinceMark = new Map<string, number>();
  private markVerb: Verb = "register";
  private acceptedMs: number[] = [];

  constructor(private readonly inner: Transport = fetchTransport) {}

  /** From now on, records the first answered `verb` of each appliance and the latency of every answered call. */
  mark(verb: Verb): void {
    this.markVerb = verb;
    this.answeredSinceMark.clear();
    this.acceptedMs = [];
  }

  /** Appliances with an answered call of the marked verb since `mark`. */
  get answeredCount(): number {
    return this.answeredSinceMark.size;
  }

  /** When the last of them was first answered (performance.now()), or null before any. */
  get lastFirstAnswerAt(): number | null {
    let last: number | null = null;
    for (const at of this.answeredSinceMark.values()) last = last === null ? at : Math.max(last, at);
    return last;
  }

  /** Latency of every call answered (not refused) since `mark`, in ms. */
  get acceptedLatencies(): number[] {
    return this.acceptedMs;
  }

  /**
   * serial → granted in its last answer, for appliances whose grant the database must show exactly:
   * no request left unanswered, and no pending demand the server may have served since.
   */
  acknowledged(): Map<string, number> {
    const map = new Map<string, number>();
    for (const [serial, { granted, pending }] of this.lastAnswer) {
      if (!this.unanswered.has(serial) && pending === 0) map.set(serial, granted);
    }
    return map;
  }

  async call<V extends Verb>(
    baseUrl: string,
    verb: V,
    input: Calls[V]["input"],
    options?: CallOptions,
  ): Promise<Calls[V]["answer"]> {
    const serial =
      verb === "register" ? (input as { serial: string }).serial : this.serialOfToken.get(options?.token ?? "");
    const started = performance.now();
    try {
      const answer = await this.inner.call(baseUrl, verb, input, options);
      const answeredAt = performance.now();
      this.acceptedMs.push(answeredAt - started);
      if (serial !== undefined) this.learn(serial, verb, answer as Figures & { token?: string }, answeredAt);
      return answer;
    } catch (error) {
      if (serial !== undefined && verb === "request" && error instanceof UnreachableError) this.unanswered.add(serial);
      throw error;
    }
  }

  private learn(serial: string, verb: Verb, answer: Figures & { token?: string }, at: number): void {
    if (verb === "register" && answer.token) this.serialOfToken.set(answer.token, serial);
    if (verb === "request") this.unanswered.delete(serial);
    this.lastAnswer.set(serial, { granted: answer.granted, pending: answer.pending });
    if (verb === this.markVerb && !this.answeredSinceMark.has(serial)) this.answeredSinceMark.set(serial, at);
  }
}
