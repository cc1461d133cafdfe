import type { TRPCError } from "@trpc/server";
import type { VerbName } from "../routers/appliance/verbs.ts";
import { recordCall } from "../services/call-record.ts";
import type { Services } from "../services/context.ts";
import type { Priority } from "../services/pool/pool-queue.ts";

/** The appliance verbs that always queue for the pool lock, and at which priority (services/appliance/*). */
const LOCKED_VERBS: Partial<Record<VerbName, Priority>> = {
  register: "register",
  request: "request",
  release: "release",
  transfer: "request",
};

/**
 * The OVERLOADED refusal for a call that the pool queue would refuse on arrival anyway, decided
 * before its body is read, parsed and checked and its token hashed: under a storm of new
 * connections that work costs as much CPU as serving a call, so refusing after it slows the calls
 * that can still be served. The same estimate as the queue's (`PoolQueue.refusalOf`), so nothing
 * the queue would admit is refused here; the answer is the queue's own error. The call is counted
 * like any refused call, but for no participant: its token is not read. Null when the call goes
 * on: a verb that may not queue (refresh), or a server that is not serving (its own answer).
 */
export function refusalAtTheDoor(services: Services, verb: VerbName, arrivedAt: number): TRPCError | null {
  const priority = LOCKED_VERBS[verb];
  if (priority === undefined) return null;
  try {
    services.assertServing();
  } catch {
    return null;
  }
  const refusal = services.poolQueue.refusalOf(priority, arrivedAt);
  if (refusal) recordCall(services, verb, { ok: false, error: refusal }, null, 0);
  return refusal;
}
