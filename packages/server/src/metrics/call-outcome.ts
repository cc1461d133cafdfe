import { AllocationError } from "@sls/allocator";
import type { TRPCError } from "@trpc/server";
import { isReason, SlsError } from "../errors.ts";

/**
 * The `outcome` label of a failed call: the spec's reason code where there is one, otherwise
 * INVALID_INPUT for a rejected input or the tRPC code. A small closed set, so the label stays cheap.
 */
export function failedCallOutcome(error: TRPCError): string {
  if (error instanceof SlsError) return error.reason;
  const cause = error.cause;
  if (cause instanceof SlsError) return cause.reason;
  if (cause instanceof AllocationError && isReason(cause.reason)) return cause.reason;
  if (cause && typeof cause === "object" && Array.isArray((cause as { issues?: unknown }).issues))
    return "INVALID_INPUT";
  return error.code;
}
