import { AllocationError } from "@sls/allocator";
import type { TRPCError } from "@trpc/server";
import { isReason, SlsError } from "./errors.ts";
import type { Services } from "./services/context.ts";

const INPUT_REASONS = new Set<string>(["POOL_SIZE_OUT_OF_RANGE", "LIMITS_OUT_OF_RANGE"]);

/**
 * The one place where a failed call's error becomes its answer: a domain refusal
 * (`AllocationError`) becomes an `SlsError` with the spec's code and reason, and unexpected
 * failures are logged with their path and address. tRPC's `mapErrors` middleware and the lean
 * appliance path (routers/appliance/lean-call.ts) both go through here.
 */
export function toCallError(
  services: Pick<Services, "log">,
  call: { path: string; remoteAddress: string },
  error: TRPCError,
): TRPCError {
  const { path, remoteAddress } = call;
  const cause = error.cause;
  if (cause instanceof AllocationError) {
    const reason = isReason(cause.reason) ? cause.reason : INPUT_REASONS.has(cause.reason) ? "INVALID_INPUT" : null;
    if (reason) return new SlsError(reason, cause.message, cause);
    // Anything else means the server handed the allocator a wrong slice of state: a bug.
    services.log.error("allocator refused the server's state", { path, reason: cause.reason, error: cause });
    return new SlsError("INTERNAL", "The server failed to handle this call; the error is logged. Try again.", cause);
  }
  if (error.code === "INTERNAL_SERVER_ERROR" && !(error instanceof SlsError)) {
    services.log.error("call failed", { path, remoteAddress, error: cause ?? error });
  }
  return error;
}
