import { TRPCClientError } from "@trpc/client";

/** The exit codes of `sls`, as docs/automation.md lists them. */
export const EXIT = { done: 0, refused: 1, usage: 2, unreachable: 3 } as const;

/** A command line the CLI cannot run: exit 2, with what to fix. */
export class UsageError extends Error {}

/** What went wrong, in one line for standard error, and its exit code. */
export interface Failure {
  exitCode: number;
  message: string;
}

interface ServerShape {
  message: string;
  data?: { reason?: string; retryAfterMs?: number };
}

/**
 * A call's failure as the operator reads it: the server's refusal with its reason (exit 1), or a
 * server that did not answer as an SLS server does (exit 3).
 */
export function failureOf(error: unknown, url: string): Failure {
  if (error instanceof UsageError) return { exitCode: EXIT.usage, message: error.message };
  if (error instanceof TRPCClientError) {
    const shape = error.shape as ServerShape | undefined;
    if (shape?.data?.reason) {
      const retry = shape.data.retryAfterMs ? ` (retry after ${Math.ceil(shape.data.retryAfterMs / 1000)} s)` : "";
      return { exitCode: EXIT.refused, message: `refused (${shape.data.reason}): ${shape.message}${retry}` };
    }
    return {
      exitCode: EXIT.unreachable,
      message: `no answer from a Shared License Server at ${url}: ${causeOf(error)}`,
    };
  }
  throw error;
}

function causeOf(error: Error): string {
  const cause = error.cause as (Error & { code?: string; cause?: { code?: string; message?: string } }) | undefined;
  const inner = cause?.cause;
  if (cause?.name === "TimeoutError") return "it did not answer in time";
  return inner?.code ?? inner?.message ?? cause?.message ?? error.message;
}
