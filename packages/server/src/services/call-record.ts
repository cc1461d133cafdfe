import type { TRPCError } from "@trpc/server";
import { failedCallOutcome } from "../metrics/call-outcome.ts";
import type { Services } from "./context.ts";
import type { MessageType } from "./counters.ts";

/**
 * One protocol message handled: the message counters (received and answered or failed, per
 * server and per participant) and the call metrics. The tRPC middleware and the refresh fast path
 * (routers/appliance/lean-call.ts) both record through here.
 */
export function recordCall(
  services: Pick<Services, "metrics" | "shed" | "counters" | "now">,
  messageType: MessageType,
  result: { ok: true } | { ok: false; error: TRPCError },
  participantId: string | null,
  seconds: number,
): void {
  const outcome = result.ok ? "ok" : failedCallOutcome(result.error);
  services.metrics.observeCall(messageType, outcome, seconds);
  if (outcome === "OVERLOADED") services.shed.record(services.now());
  services.counters.count(messageType, "received", participantId);
  services.counters.count(messageType, result.ok ? "answered" : "failed", participantId);
}
