import { AllocationError, MINUTE_MS } from "@sls/allocator";
import type { PoolTransaction, Preload, Store } from "@sls/db";
import { retryLater, SlsError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { QueueServing } from "./allocation.ts";
import { BatchCost } from "./batch-cost.ts";

/** How long a grant-changing call may wait for the pool lock unless `SLS_CALL_DEADLINE_MS` says otherwise. */
export const DEFAULT_CALL_DEADLINE_MS = 3_000;

type Work<R> = (tx: PoolTransaction) => Promise<R>;

/**
 * Under pressure the queue is served in this order: a release frees capacity, a refresh that must
 * take the lock keeps a lease, a request asks for more, a registration adds a participant.
 */
const PRIORITIES = ["release", "refresh", "request", "register"] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * One call that runs under the pool lock: its place in the queue, when it arrived, who makes it
 * and what it will read there. A batch reads what its calls name in one statement per table
 * (`preloadOf`); services/appliance/locked-calls.ts also reads how the call is checked and loaded.
 */
export interface LockedCall {
  priority: Priority;
  /** When the call arrived at the server (same clock as `now`); its wait counts from here. */
  arrivedAt?: number | undefined;
  /** The participant a bearer token named; its token is checked again under the lock. */
  participant?: { id: string; tokenHash: string };
  /** A registration names its participant by serial. */
  registeringSerial?: string;
  /** appliance.request: the answer already stored under this id is the answer to a retry. */
  requestId?: string;
  /** appliance.transfer: the HA peer whose sessions it takes. */
  peerSerial?: string;
  /** A call that may grant sessions, which a backup past its operating limit refuses. */
  grantsSessions?: boolean;
  /** When the pending queue is loaded, and so may be served: see `loadState`. */
  servesQueue?: QueueServing;
}

interface Job {
  work: Work<unknown>;
  call: LockedCall;
  enqueuedAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface PoolQueueOptions {
  /** The longest a call may wait for the lock before it is refused as OVERLOADED (ms). */
  deadlineMs: number;
  /** Reports each committed batch: its size and how long it held the pool lock (from its grant to the commit). */
  onBatch?: (size: number, seconds: number) => void;
  now?: () => number;
}

const MAX_BATCH = 64;
/** What a call is taken to cost until the first batch has been measured. */
const INITIAL_MS_PER_CALL = 2;
const MIN_RETRY_AFTER_MS = 250;
const MAX_RETRY_AFTER_MS = MINUTE_MS;

/**
 * The queue for the pool lock: group commit for grant-changing calls, with admission control. Calls that arrive while a
 * transaction runs wait and then share the next one: one lock, one commit; answers are sent only
 * after the commit. A call whose expected wait exceeds the deadline is refused at once with
 * OVERLOADED and a retryAfterMs from the queue's drain time, before it has done anything, and so
 * is one that has waited past the deadline when its turn comes (its caller is about to give up).
 * The expected wait is priced from the batches a queue of that depth will run in (`BatchCost`,
 * learnt from each batch's cycle: from its take to the next take, so it includes answering its
 * calls and reading the next ones on the same event loop), and counts from the call's arrival.
 * Work must decide a refusal (SlsError, AllocationError) before it writes.
 */
export class PoolQueue {
  private readonly queues = new Map<Priority, Job[]>(PRIORITIES.map((p) => [p, []]));
  private draining = false;
  private readonly cost = new BatchCost(INITIAL_MS_PER_CALL);
  /** The batch under way: when it was taken and its size. */
  private current: { takenAt: number; size: number } | null = null;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly options: PoolQueueOptions = { deadlineMs: DEFAULT_CALL_DEADLINE_MS },
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Calls waiting for the lock. */
  get queued(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  run<R>(call: LockedCall, work: Work<R>): Promise<R> {
    const { priority } = call;
    const now = this.now();
    const arrivedAt = Math.min(now, call.arrivedAt ?? now);
    const refusal = this.refusalOf(priority, arrivedAt);
    if (refusal) return Promise.reject(refusal);
    return new Promise<R>((resolve, reject) => {
      this.queues
        .get(priority)!
        .push({ work, call, enqueuedAt: arrivedAt, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Refuses at once a call that has already waited past the deadline before reaching the queue
   * (a process short of CPU leaves calls in its socket backlog and event loop): for work that
   * is costly before it queues, such as a registration's secret check.
   */
  admit(arrivedAt: number | undefined): void {
    if (arrivedAt === undefined) return;
    const waited = this.now() - arrivedAt;
    if (waited > this.options.deadlineMs) throw this.overloaded(waited);
  }

  /**
   * The OVERLOADED refusal `run` would give a call of this priority that arrived at `arrivedAt`
   * if it queued now, or null: lets the HTTP layer refuse such a call before it reads, parses and
   * authenticates it, which under a connection storm costs as much CPU as serving it.
   */
  refusalOf(priority: Priority, arrivedAt: number): SlsError | null {
    const expected = Math.max(0, this.now() - arrivedAt) + this.expectedWaitMs(priority);
    return expected > this.options.deadlineMs ? this.overloaded(expected) : null;
  }

  /** What a new call of this priority would wait until its answer: the calls ahead of it, and its own batch. */
  private expectedWaitMs(priority: Priority): number {
    let ahead = 0;
    for (const p of PRIORITIES) {
      ahead += this.queues.get(p)!.length;
      if (p === priority) break;
    }
    return this.drainMs(ahead + 1);
  }

  /**
   * How long until the first `depth` queued calls are answered: the rest of the batch under way,
   * then full batches and the last, smaller one.
   */
  private drainMs(depth: number): number {
    const current = this.current;
    const underWay = current === null ? 0 : Math.max(0, this.cost.ms(current.size) - (this.now() - current.takenAt));
    const fullBatches = Math.floor(depth / MAX_BATCH);
    return underWay + fullBatches * this.cost.ms(MAX_BATCH) + this.cost.ms(depth - fullBatches * MAX_BATCH);
  }

  private overloaded(expectedWaitMs: number): SlsError {
    const drainMs = this.drainMs(this.queued);
    const retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, drainMs));
    return retryLater(
      "OVERLOADED",
      `The licensing server is overloaded (this call would have waited about ${Math.round(expectedWaitMs)} ms); nothing was done: try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      retryAfterMs,
    );
  }

  private take(): Job[] {
    const batch: Job[] = [];
    const cutoff = this.now() - this.options.deadlineMs;
    for (const priority of PRIORITIES) {
      const queue = this.queues.get(priority)!;
      while (queue.length > 0 && batch.length < MAX_BATCH) {
        const job = queue.shift()!;
        if (job.enqueuedAt < cutoff) job.reject(this.overloaded(this.now() - job.enqueuedAt));
        else batch.push(job);
      }
    }
    return batch;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (;;) {
        // Let the event loop read the calls that arrived meanwhile before taking a batch. On
        // SQLite every statement completes synchronously, so a whole transaction runs as one
        // chain of microtasks: without this turn each call that reached the queue would start
        // (and finish) its own transaction before the next call's request was even read.
        await new Promise((resolve) => setImmediate(resolve));
        // That turn also sent the answers of the batch just committed and read what arrived
        // meanwhile, which takes the same event loop: its cycle, what it cost, ends here.
        const takenAt = this.now();
        if (this.current) this.cost.record(this.current.size, takenAt - this.current.takenAt);
        this.current = null;
        const batch = this.take();
        if (batch.length === 0) return;
        this.current = { takenAt, size: batch.length };
        if (!(await this.runTogether(batch))) this.current = null;
      }
    } finally {
      this.current = null;
      this.draining = false;
    }
  }

  /** Runs the batch in one transaction; false when that failed and its calls were retried one by one. */
  private async runTogether(batch: Job[]): Promise<boolean> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let heldMs = 0;
    try {
      await this.store.inPoolTransaction(
        async (tx) => {
          outcomes.length = 0;
          for (const job of batch) {
            try {
              outcomes.push({ ok: true, value: await job.work(tx) });
            } catch (error) {
              // A refusal is decided before its call writes anything, so the batch carries on;
              // anything else aborts the shared transaction and each call is retried alone.
              if (!isRefusal(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        },
        preloadOf(batch.map((job) => job.call)),
        (ms) => (heldMs = ms),
      );
    } catch (error) {
      // The shared transaction failed as a whole (connection lost, commit refused): nothing of
      // it was written, so each call is retried on its own.
      if (batch.length > 1)
        this.log.warn("batched transaction failed; retrying its calls one by one", { calls: batch.length, error });
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const job of batch) await this.runTogether([job]);
      return false;
    }
    this.options.onBatch?.(batch.length, heldMs / 1000);
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
    return true;
  }
}

/** What a batch's calls will read under the lock, to be read in one statement per table. */
function preloadOf(calls: LockedCall[]): Preload {
  const participantIds: string[] = [];
  const serials: string[] = [];
  const appliedRequests: Preload["appliedRequests"] = [];
  for (const { participant, registeringSerial, peerSerial, requestId } of calls) {
    if (registeringSerial) serials.push(registeringSerial);
    if (peerSerial) serials.push(peerSerial);
    if (!participant) continue;
    participantIds.push(participant.id);
    if (requestId) appliedRequests.push({ participantId: participant.id, requestId });
  }
  return { participantIds, serials, appliedRequests };
}

function isRefusal(error: unknown): boolean {
  return error instanceof SlsError || error instanceof AllocationError;
}
