import { TRPCClientError } from "@trpc/client";

export interface ServerRefusal {
  message: string;
  reason: string | null;
  /** Field errors of an INVALID_INPUT, keyed by the input path (`secret`, `backup.address`). */
  fields: Record<string, string>;
}

interface ErrorData {
  reason?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** What the server said, in a shape forms and banners can use. */
export function refusalOf(error: unknown): ServerRefusal {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    const fields = Object.fromEntries((data.issues ?? []).map((issue) => [issue.path, issue.message]));
    return { message: error.message, reason: data.reason ?? null, fields };
  }
  return { message: error instanceof Error ? error.message : "Something went wrong.", reason: null, fields: {} };
}

export function isSignedOut(error: unknown): boolean {
  return refusalOf(error).reason === "NOT_SIGNED_IN";
}
