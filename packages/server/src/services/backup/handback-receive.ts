// The main server's side of the hand-back: calling backup.handback, checking the answer and merging
// it (the checks themselves are handback-merge.ts). The backup's side is handback-send.ts.
import { DAY_MS } from "@sls/allocator";
import { HANDBACK_FAILED, HANDBACK_RECOVERED } from "@sls/db";
import { remoteText } from "../../http/remote-text.ts";
import { callMutation, RemoteCallError } from "../../http/trpc-call.ts";
import type { Services } from "../context.ts";
import { normaliseServerAddress } from "./address.ts";
import { heldFromRows, policyInForce } from "../pool/policy-in-force.ts";
import { planHandback } from "./handback-merge.ts";
import { recordOutage } from "./outage-record.ts";
import { LinkRefusal } from "./link-key.ts";
import { ZHandbackAnswer, type THandbackAnswer } from "./snapshot-wire.ts";

/** What recording a hand-back outcome or a refused answer uses. */
type HandbackRecordServices = Pick<Services, "store" | "now" | "log">;

/** A hand-back call that did not go through: why, for the log and the overview's backup card. */
class HandbackFailure extends Error {
  constructor(
    message: string,
    /** The backup answered, and its answer was refused. */
    readonly refused = false,
  ) {
    super(message);
  }
}

/**
 * The main server takes its state back from a backup that served during its absence: calls
 * backup.handback (which makes the backup inactive in the same step), checks the sealed answer
 * (link key, schema, then this server's own pool size and invariants over the merged state) and
 * merges it before serving again. Returns the number of participants taken over, or null when
 * there was nothing to take (no backup configured, the backup not active, or the call failed or
 * its answer was refused: a warning in the log and a line on the overview's backup card).
 */
export async function takeBackFromBackup(
  services: HandbackRecordServices & Pick<Services, "scheme" | "serving" | "backupCheck">,
  outcomes: HandbackOutcomes,
  timeoutMs: number,
): Promise<number | null> {
  const server = await services.store.readServer();
  if (!server?.backupAddress) return null;
  const address = normaliseServerAddress(server.backupAddress, services.scheme) ?? server.backupAddress;
  let answer: THandbackAnswer;
  try {
    answer = await callHandback(services, address, timeoutMs);
  } catch (error) {
    if (!(error instanceof HandbackFailure) && !(error instanceof RemoteCallError)) throw error;
    const answered = !(error instanceof RemoteCallError && error.status === null);
    services.backupCheck.record(address, answered, services.now(), error.message);
    // A refused answer, or a key missing here, is wrong whatever the backup did. A call that did
    // not go through is a failure only once the backup has served: before, it holds nothing to
    // hand back, and the card says whether its address answers instead.
    const reported = error instanceof HandbackFailure || (await backupHasServed(services));
    if (reported) await outcomes.failed(address, error.message, error instanceof HandbackFailure && error.refused);
    else
      services.log.info("the backup server has not served; its address does not answer the hand-back call yet", {
        address,
        cause: error.message,
      });
    return null;
  }
  services.backupCheck.record(address, true, services.now());
  if (!answer.wasActive) {
    await outcomes.succeeded(address);
    return null;
  }
  const outcome = await mergeHandback(services, answer);
  if (!outcome.merged) {
    await refuseAnswer(services, address, outcome.violations);
    await outcomes.failed(address, `the backup's answer breaks the pool invariants: ${outcome.violations[0]}`, true);
    return null;
  }
  await outcomes.succeeded(address, true);
  services.log.warn("took the pool back from the backup server", {
    address,
    participants: outcome.taken,
    outageId: outcome.outageId,
  });
  return outcome.taken;
}

/** The backup's last sync report said it was serving appliances (the main server's only news of it). */
async function backupHasServed(services: Pick<Services, "store">): Promise<boolean> {
  return (await services.store.overview.backupStatus())?.active === true;
}

async function callHandback(
  services: HandbackRecordServices & Pick<Services, "serving">,
  address: string,
  timeoutMs: number,
): Promise<THandbackAnswer> {
  const link = services.serving.link;
  if (!link)
    throw new HandbackFailure(
      "SLS_BACKUP_KEY is not set on this main server, so it cannot authenticate backup.handback; set the same key on both servers",
    );
  const request = link.seal("handback-request", { handback: true });
  const raw = await callMutation<unknown>(address, "backup.handback", request, { timeoutMs });
  try {
    return link.open(`handback-answer:${request.nonce}`, raw, ZHandbackAnswer);
  } catch (error) {
    if (!(error instanceof LinkRefusal)) throw error;
    await refuseAnswer(services, address, [error.message]);
    throw new HandbackFailure(`the backup's answer was refused: ${error.message}`, true);
  }
}

async function refuseAnswer(services: HandbackRecordServices, address: string, violations: string[]): Promise<void> {
  const reasons = violations.slice(0, 10).map((reason) => remoteText(reason));
  services.log.error("hand-back answer refused; nothing of it was merged", { address, reasons });
  await services.store.backup.audit([
    {
      at: new Date(services.now()),
      type: "backup.handback-refused",
      actor: "system:handback",
      detail: { address, reasons },
    },
  ]);
}

/**
 * How long the overview keeps showing a refused answer once calls work again: the backup went
 * inactive when it answered, so that answer was its only hand-back and what it held was not taken.
 */
const REFUSAL_SHOWN_MS = DAY_MS;

interface Failure {
  cause: string;
  at: number;
  /** The backup answered and its answer was refused (not merged), rather than the call failing. */
  refused: boolean;
}

/**
 * The last hand-back outcome, kept in the audit history (a row when it changes: failing, or
 * working again) so the overview can show it; every failed call is also a warning in the log.
 */
export class HandbackOutcomes {
  private lastFailure: Failure | null | undefined;

  constructor(private readonly services: HandbackRecordServices) {}

  /** `quoted` may quote the backup (its error message, what its answer broke): it is cleaned and capped first. */
  async failed(address: string, quoted: string, refused = false): Promise<void> {
    const cause = remoteText(quoted);
    this.services.log.warn("hand-back call to the backup server failed", { address, cause });
    if ((await this.last())?.cause === cause) return;
    const at = this.services.now();
    this.lastFailure = { cause, at, refused };
    await this.services.store.backup.audit([
      {
        at: new Date(at),
        type: HANDBACK_FAILED,
        actor: "system:handback",
        detail: { address, cause, ...(refused ? { refused } : {}) },
      },
    ]);
  }

  /** `merged`: an active backup's answer was taken, which ends even a recent refusal. */
  async succeeded(address: string, merged = false): Promise<void> {
    const last = await this.last();
    if (last === null) return;
    if (!merged && last.refused && this.services.now() - last.at < REFUSAL_SHOWN_MS) return;
    this.lastFailure = null;
    this.services.log.info("hand-back calls to the backup server work again", { address });
    await this.services.store.backup.audit([
      { at: new Date(this.services.now()), type: HANDBACK_RECOVERED, actor: "system:handback", detail: { address } },
    ]);
  }

  private async last(): Promise<Failure | null> {
    if (this.lastFailure === undefined) {
      const outcome = await this.services.store.backup.lastHandbackOutcome();
      this.lastFailure = outcome?.failed
        ? {
            cause: String(outcome.detail.cause ?? ""),
            at: outcome.at.getTime(),
            refused: outcome.detail.refused === true,
          }
        : null;
    }
    return this.lastFailure;
  }
}

/**
 * Merges the answer in one pool transaction, after checking it against this server's own state
 * read in that transaction (handback-merge.ts); a violation writes nothing.
 */
async function mergeHandback(
  services: Pick<Services, "store" | "now">,
  answer: THandbackAnswer,
): Promise<{ merged: true; taken: number; outageId: string | null } | { merged: false; violations: string[] }> {
  return services.store.inPoolTransaction(async (tx) => {
    const participants = await tx.backup.allParticipantRecords();
    const now = services.now();
    const plan = planHandback({ poolSize: tx.server.poolSize, participants }, answer, now);
    if (plan.violations.length > 0) return { merged: false as const, violations: plan.violations };
    const merged = new Map(participants.map((p) => [p.id, p]));
    for (const record of plan.put) merged.set(record.id, record);
    // Before this merge's own audit rows, which would count as this server's changes.
    const outageId = answer.outage
      ? await recordOutage(tx, answer.outage, answer, participants, [...merged.values()], plan.audits, new Date(now))
      : null;
    for (const { id, lastSeenAt } of plan.renewed) await tx.updateParticipant(id, { lastSeenAt });
    for (const record of plan.put) await tx.backup.putParticipantRecord(record);
    await tx.writePool(plan.pool);
    const policy = await policyInForce(tx);
    if (policy) tx.writePolicyHeld(heldFromRows(policy, merged.values()));
    await tx.audit(plan.audits);
    return { merged: true as const, taken: plan.taken, outageId };
  });
}
