import { AllocationError } from "@sls/allocator";
import type { PoolTransaction, Preload, Store } from "@sls/db";
import { SlsError } from "../errors.ts";
import type { Logger } from "../logger.ts";

type Work<R> = (tx: PoolTransaction) => Promise<R>;

/** What a call will read under the lock, so that a batch reads it in one statement per table. */
export interface JobHints {
  participantId?: string;
  requestId?: string;
}

interface Job {
  work: Work<unknown>;
  hints: JobHints;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 64;

/**
 * Group commit for grant-changing calls. Calls that arrive while a transaction is running wait
 * and then share the next one: one lock, one commit. Answers are sent only after the commit.
 * Under load this turns a convoy of short transactions queued on the pool lock into a few larger
 * ones. Work must decide a refusal (SlsError, AllocationError) before it writes.
 */
export class PoolBatcher {
  private queue: Job[] = [];
  private draining = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  run<R>(work: Work<R>, hints: JobHints = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ work, hints, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        await this.runTogether(this.queue.splice(0, MAX_BATCH));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runTogether(batch: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.store.inPoolTransaction(async (tx) => {
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
      }, preloadOf(batch));
    } catch (error) {
      // The shared transaction failed as a whole (connection lost, commit refused): nothing of
      // it was written, so each call is retried on its own.
      if (batch.length > 1) this.log.warn("batched transaction failed; retrying its calls one by one", { calls: batch.length, error });
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const job of batch) await this.runTogether([job]);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}

function preloadOf(batch: Job[]): Preload {
  const participantIds: string[] = [];
  const appliedRequests: Preload["appliedRequests"] = [];
  for (const { hints } of batch) {
    if (!hints.participantId) continue;
    participantIds.push(hints.participantId);
    if (hints.requestId) appliedRequests.push({ participantId: hints.participantId, requestId: hints.requestId });
  }
  return { participantIds, appliedRequests };
}

function isRefusal(error: unknown): boolean {
  return error instanceof SlsError || error instanceof AllocationError;
}
