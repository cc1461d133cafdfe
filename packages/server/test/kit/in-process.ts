import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { appRouter, createCaller } from "../../src/root.ts";
import type { Services } from "../../src/services/context.ts";
import { createContextInner } from "../../src/trpc.ts";
import type { Refusal, Settled } from "./clients.ts";

/**
 * The router called in this process, without HTTP, as an appliance at `remoteAddress` with
 * `token` would reach it: for tests about what a call does rather than how it travels.
 */
export function inProcessCaller(services: Services, options: { token?: string; remoteAddress?: string } = {}) {
  return createCaller(
    createContextInner({
      services,
      remoteAddress: options.remoteAddress ?? "127.0.0.1",
      authorization: options.token ? `Bearer ${options.token}` : null,
    }),
  );
}

export type InProcessCaller = ReturnType<typeof inProcessCaller>;

/** The refusal an in-process call's error would have been answered with over HTTP (same errorFormatter). */
export function refusalOf(error: unknown): Extract<Settled<never>, { ok: false }> | null {
  if (!(error instanceof TRPCError)) return null;
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return { ok: false, status: getHTTPStatusCodeFromError(error), error: shape as unknown as Refusal };
}
