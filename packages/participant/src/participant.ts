import { Backoff, jittered, retryAfterOf } from "./backoff.ts";
import { capacityOf, sessionsToRequest, sessionsToRelease, type Holdings } from "./demand.ts";
import { failureReason, isLoadRefusal, isReason, isTransient, UnreachableError } from "./errors.ts";
import { Emitter, type GrantedVia, type ParticipantEvents, type ServerRole } from "./events.ts";
import { registerInputOf, resolveOptions, type ParticipantOptions, type ResolvedOptions } from "./options.ts";
import type { Calls, GrantAnswer, Verb } from "./protocol.ts";
import { ServerChoice } from "./servers.ts";
import { Timer } from "./timer.ts";

export interface ParticipantState {
  registered: boolean;
  granted: number;
  pending: number;
  /** Sessions the appliance wants to run (set with `setLoad`). */
  load: number;
  /** Sessions it may run now: local limit + grant. */
  capacity: number;
  /** What the next refresh reports: the load, as far as the capacity allows. */
  inUse: number;
  refreshIntervalSec: number;
  server: ServerRole;
  serverUrl: string;
  backupUrl: string | null;
  /** Set while no server answers and the grant is being kept. */
  grace: { since: number; until: number } | null;
}

/** How a change of the grant came about, for the events it raises. */
type Change = GrantedVia | "release" | "refresh";

// Calls go to the current server; when it cannot be reached, to the other one; an inactive
// backup sends us back. Two switches per call at most, then no server is reachable.
const MAX_SWITCHES_PER_CALL = 2;

/**
 * One appliance's side of the protocol. Tell it the load with `setLoad`; it registers, refreshes
 * at the server's interval, asks for and gives back sessions in 50-session blocks, fails over to
 * the backup, and keeps its grant through a grace period when no server answers.
 * Calls are made one at a time, in order.
 */
export class Participant {
  private readonly options: ResolvedOptions;
  private readonly events = new Emitter<ParticipantEvents>();
  private readonly servers: ServerChoice;
  private readonly timers;
  /** One back-off per kind of call: refreshes that go through must not hide requests being refused. */
  private readonly backoffs: Record<Verb, Backoff>;
  private token: string | null = null;
  private granted = 0;
  private pending = 0;
  private load = 0;
  private refreshIntervalSec = 30;
  private grace: { since: number; until: number } | null = null;
  /**
   * Set when the grant was dropped at the end of the grace period: the server may still count it
   * (nobody reclaimed it) or not, so nothing more is asked for until an answer says which.
   */
  private droppedUnconfirmed = false;
  /** A request that got no answer: it is sent again with the same requestId. */
  private unanswered: Calls["request"]["input"] | null = null;
  private surplusSince: number | null = null;
  private running = false;
  private queue: Promise<unknown> = Promise.resolve();
  private adjustQueued = false;
  private requestCount = 0;

  constructor(options: ParticipantOptions) {
    this.options = resolveOptions(options);
    this.servers = new ServerChoice(this.options.serverUrl);
    const clock = this.options.clock;
    this.timers = {
      start: new Timer(clock),
      refresh: new Timer(clock),
      retry: new Timer(clock),
      release: new Timer(clock),
      grace: new Timer(clock),
    };
    const policy = {
      baseMs: this.options.retryDelayMs,
      capMs: this.options.maxRetryDelayMs,
      random: this.options.random,
    };
    this.backoffs = {
      register: new Backoff(policy),
      request: new Backoff(policy),
      refresh: new Backoff(policy),
      release: new Backoff(policy),
      transfer: new Backoff(policy),
    };
  }

  on<K extends keyof ParticipantEvents>(event: K, listener: (payload: ParticipantEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  get state(): ParticipantState {
    const holdings = this.holdings();
    return {
      registered: this.token !== null,
      granted: this.granted,
      pending: this.pending,
      load: this.load,
      capacity: capacityOf(holdings),
      inUse: this.inUse(),
      refreshIntervalSec: this.refreshIntervalSec,
      server: this.servers.role,
      serverUrl: this.servers.current,
      backupUrl: this.servers.backup,
      grace: this.grace && { ...this.grace },
    };
  }

  /**
   * Waits its share of the start spread (`startSpreadMs`), registers, then keeps refreshing until
   * `stop`. A registration refused for load (`OVERLOADED`, `RATE_LIMITED`) is tried again after the
   * back-off. Rejects when registration fails otherwise, or when `stop` comes during that back-off
   * (nothing keeps running then); resolves unregistered when `stop` comes during the spread.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (!(await this.waitStartSpread())) return;
      await this.registerUntilAdmitted();
    } catch (error) {
      this.running = false;
      throw error;
    }
    if (!this.running) return;
    this.scheduleRefresh();
    this.queueAdjust();
  }

  /** The sessions the appliance wants to run now; more are requested or some released as needed. */
  setLoad(sessions: number): void {
    if (!Number.isInteger(sessions) || sessions < 0)
      throw new RangeError(`load must be a whole number ≥ 0; got ${JSON.stringify(sessions)}`);
    this.load = sessions;
    if (this.running) this.queueAdjust();
  }

  /** Refreshes now instead of at the next interval. */
  refresh(): Promise<void> {
    return this.enqueue(() => this.refreshOnce());
  }

  /** Failover pair: this unit became active and takes over its peer's granted and pending sessions. */
  transferFrom(peerSerial: string): Promise<GrantAnswer> {
    return this.enqueue(async () => {
      const answer = await this.send("transfer", { fromSerial: peerSerial });
      this.applyServerView(answer, "transfer");
      return answer;
    });
  }

  /** Stops all timers; with `release: true` gives back the grant and withdraws pending demand first. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    for (const timer of Object.values(this.timers)) timer.clear();
    await this.queue;
    if (!options.release || !this.token) return;
    // Pending demand served since our last call shows up only in the answer: release that too.
    for (let round = 0; round < 3 && (this.granted > 0 || this.pending > 0); round++) {
      this.applyServerView(await this.send("release", { sessions: this.granted }), "release");
    }
  }

  private holdings(): Holdings {
    const { platformLimit, localLimit } = this.options;
    return { platformLimit, localLimit, granted: this.granted, pending: this.pending };
  }

  private inUse(): number {
    return Math.min(this.load, capacityOf(this.holdings()), this.options.platformLimit);
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const result = this.queue.then(job);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private queueAdjust(): void {
    if (this.adjustQueued) return;
    this.adjustQueued = true;
    void this.enqueue(() => this.adjust());
  }

  /** false when `stop` came first. */
  private async waitStartSpread(): Promise<boolean> {
    const { startSpreadMs, random } = this.options;
    if (startSpreadMs === 0) return true;
    return this.timers.start.wait(Math.floor(random() * startSpreadMs));
  }

  private async registerUntilAdmitted(): Promise<void> {
    for (;;) {
      try {
        return await this.enqueue(() => this.register());
      } catch (error) {
        if (!isLoadRefusal(error) || !this.running) throw error;
        if (!(await this.timers.start.wait(this.backOff("register", error)))) throw error;
      }
    }
  }

  private async register(): Promise<void> {
    const answer = await this.send("register", registerInputOf(this.options));
    this.token = answer.token;
    this.refreshIntervalSec = answer.refreshIntervalSec;
    this.servers.learnBackup(answer.backup);
    this.applyServerView(answer, "register");
  }

  /** The server's interval (or `maxRefreshIntervalMs` when shorter), moved by up to ±10 %. */
  private refreshDelay(): number {
    return jittered(Math.min(this.refreshIntervalSec * 1000, this.options.maxRefreshIntervalMs), this.options.random);
  }

  private scheduleRefresh(ms = this.refreshDelay()): void {
    this.timers.refresh.set(ms, () => void this.enqueue(() => this.refreshTick()));
  }

  /**
   * Refreshes and sets the next one. A refresh that failed for a passing reason is tried again
   * after the back-off, but no later than the regular interval (the lease must not lapse) unless
   * the server asked for a longer wait.
   */
  private async refreshTick(): Promise<void> {
    if (!this.running) return;
    let next: number | undefined;
    await this.refreshOnce().catch((error: unknown) => {
      if (isTransient(error)) next = this.backOff("refresh", error, this.refreshDelay());
      this.report("refresh", error);
    });
    if (!this.running) return;
    this.scheduleRefresh(next);
    this.queueAdjust();
  }

  private async refreshOnce(): Promise<void> {
    const answer = await this.send("refresh", { inUse: this.inUse() });
    this.refreshIntervalSec = answer.refreshIntervalSec;
    this.servers.learnBackup(answer.backup);
    this.applyServerView(answer, "refresh");
  }

  /** Asks for what the load needs, or gives back what it no longer needs (after the hysteresis delay). */
  private async adjust(): Promise<void> {
    this.adjustQueued = false;
    if (!this.running || !this.token) return;
    if (this.unanswered) {
      if (this.timers.retry.pending) return; // backing off: the retry timer sends it
      await this.sendRequest(this.unanswered);
      // Answered at last: the load may have moved on since it was asked.
      if (!this.unanswered) this.queueAdjust();
      return;
    }
    if (this.droppedUnconfirmed) return;

    const holdings = this.holdings();
    const ask = sessionsToRequest(holdings, this.load);
    if (ask > 0) {
      this.stopSurplusClock();
      this.requestCount += 1;
      return this.sendRequest({
        sessions: ask,
        requestId: `req-${this.options.clock.now().toString(36)}-${this.requestCount}`,
      });
    }
    const giveBack = sessionsToRelease(holdings, this.load, this.options.releaseMargin);
    if (giveBack === null) return this.stopSurplusClock();

    const now = this.options.clock.now();
    this.surplusSince ??= now;
    const dueAt = this.surplusSince + this.options.releaseDelayMs;
    // The timer runs until the surplus is due, or while a failed release backs off.
    if (now < dueAt || this.timers.release.pending) {
      if (!this.timers.release.pending) this.timers.release.set(dueAt - now, () => this.queueAdjust());
      return;
    }
    try {
      this.applyServerView(await this.send("release", { sessions: giveBack }), "release");
      this.stopSurplusClock();
    } catch (error) {
      if (isTransient(error)) this.timers.release.set(this.backOff("release", error), () => this.queueAdjust());
      else this.stopSurplusClock();
      this.report("release", error);
    }
  }

  private stopSurplusClock(): void {
    this.surplusSince = null;
    this.timers.release.clear();
  }

  private async sendRequest(input: Calls["request"]["input"]): Promise<void> {
    this.unanswered = input;
    try {
      const answer = await this.send("request", input);
      this.unanswered = null;
      this.refreshIntervalSec = answer.refreshIntervalSec;
      this.applyServerView(answer, "request");
    } catch (error) {
      if (isTransient(error)) {
        // Unanswered, it may have been granted without our hearing of it; refused for load, nothing
        // was done. Either way the retry carries the same requestId, so it is granted once.
        this.timers.retry.set(this.backOff("request", error), () => this.queueAdjust());
      } else {
        this.unanswered = null;
      }
      this.report("request", error);
    }
  }

  /**
   * One call, with failover: unreachable → the other server; BACKUP_INACTIVE → back to the main
   * one; BAD_TOKEN (superseded, or a server that lost us) → register again and retry once.
   */
  private async send<V extends Verb>(verb: V, input: Calls[V]["input"]): Promise<Calls[V]["answer"]> {
    let switches = 0;
    let registeredAgain = false;
    for (;;) {
      try {
        const answer = await this.callWithTimeout(verb, input);
        this.serverReached();
        this.backoffs[verb].reset();
        return answer;
      } catch (error) {
        const alternative = this.servers.alternative();
        if (error instanceof UnreachableError && alternative && switches < MAX_SWITCHES_PER_CALL) {
          switches += 1;
          this.failOver(alternative, "unreachable");
          continue;
        }
        if (isReason(error, "BACKUP_INACTIVE") && this.servers.role === "backup" && switches < MAX_SWITCHES_PER_CALL) {
          switches += 1;
          this.failOver("main", "backup-inactive");
          continue;
        }
        if (error instanceof UnreachableError || isReason(error, "BACKUP_INACTIVE")) {
          this.noServerReached();
          throw error;
        }
        this.serverReached();
        if (isReason(error, "BAD_TOKEN") && verb !== "register" && !registeredAgain) {
          registeredAgain = true;
          await this.register();
          continue;
        }
        throw error;
      }
    }
  }

  private callWithTimeout<V extends Verb>(verb: V, input: Calls[V]["input"]): Promise<Calls[V]["answer"]> {
    const { clock, transport, callTimeoutMs } = this.options;
    const baseUrl = this.servers.current;
    const token = verb === "register" ? undefined : (this.token ?? undefined);
    const abort = new AbortController();
    return new Promise((resolve, reject) => {
      const timeout = clock.setTimeout(() => {
        abort.abort();
        reject(new UnreachableError(baseUrl, `no answer from ${baseUrl} to ${verb} within ${callTimeoutMs} ms`));
      }, callTimeoutMs);
      transport.call(baseUrl, verb, input, { token, signal: abort.signal }).then(
        (answer) => {
          clock.clearTimeout(timeout);
          resolve(answer);
        },
        (error: unknown) => {
          clock.clearTimeout(timeout);
          reject(error);
        },
      );
    });
  }

  private failOver(to: ServerRole, reason: "unreachable" | "backup-inactive"): void {
    this.events.emit("failed-over", { ...this.servers.switchTo(to), reason });
  }

  private serverReached(): void {
    if (!this.grace) return;
    this.grace = null;
    this.timers.grace.clear();
    this.events.emit("grace-ended", { reason: "reconnected", granted: this.granted });
  }

  /** No server answered: the grant is kept for the grace period, then dropped. */
  private noServerReached(): void {
    if (this.grace || this.token === null || (this.granted === 0 && this.pending === 0)) return;
    const since = this.options.clock.now();
    this.grace = { since, until: since + this.options.graceMs };
    this.timers.grace.set(this.options.graceMs, () => this.graceExpired());
    this.events.emit("grace-started", { ...this.grace, granted: this.granted });
  }

  private graceExpired(): void {
    this.grace = null;
    const dropped = this.granted;
    this.granted = 0;
    this.pending = 0;
    this.droppedUnconfirmed = true;
    if (dropped > 0)
      this.events.emit("released", { sessions: dropped, granted: 0, pending: 0, reason: "grace-expired" });
    this.events.emit("grace-ended", { reason: "expired", granted: 0 });
  }

  /** Takes the server's figures and tells listeners what changed. */
  private applyServerView(view: { granted: number; pending: number }, change: Change): void {
    const before = this.granted;
    this.droppedUnconfirmed = false;
    this.granted = view.granted;
    this.pending = view.pending;
    const { granted, pending } = view;
    if (granted > before) {
      const via: GrantedVia = change === "refresh" || change === "release" ? "pending-served" : change;
      this.events.emit("granted", { added: granted - before, granted, pending, via });
    } else if (granted < before) {
      this.events.emit("released", {
        sessions: before - granted,
        granted,
        pending,
        reason: change === "release" ? "load-dropped" : "reclaimed",
      });
    }
  }

  /**
   * Counts a failure of `verb` and says when it is tried again: after the back-off (never sooner
   * than the server's `retryAfterMs`), or at `noLaterThan` when that comes first and the server
   * did not ask for longer.
   */
  private backOff(verb: Verb, error: unknown, noLaterThan = Number.POSITIVE_INFINITY): number {
    const { delayMs, attempt } = this.backoffs[verb].next(error);
    const ms = retryAfterOf(error) > noLaterThan ? delayMs : Math.min(delayMs, noLaterThan);
    this.events.emit("retrying", { verb, attempt, delayMs: ms, reason: failureReason(error) });
    return ms;
  }

  private report(verb: string, error: unknown): void {
    // Passing failures are reported as "retrying" (and through the grace and failover events).
    if (!isTransient(error)) {
      this.events.emit("error", { verb, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
}
