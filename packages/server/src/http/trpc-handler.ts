import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../root.ts";
import type { Services } from "../services/context.ts";
import { createContextInner } from "../trpc.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { procedurePaths, TRPC_BASE_PATH } from "./procedure-paths.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { answerTooLarge, MAX_BODY_BYTES, tooLarge } from "./request-body.ts";
import { webRequestOf } from "./web-request.ts";

/**
 * Serves everything under /api/trpc: appliance calls on their own path, the rest through tRPC's
 * adapter. Batching is off, so one request is one call: a batch would start one password check
 * per call it lists, all before any of them is counted. A path that does not name procedures
 * plainly is refused (procedure-paths.ts). A body declared larger than the limit is refused before
 * a byte of it is read (request-body.ts), one that turns out larger when the limit is reached.
 */
export function createTrpcRequestHandler(services: Services) {
  const appliance = createApplianceHandler(services);
  const generic = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    allowBatching: false,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) =>
      createContextInner({
        services,
        remoteAddress: remoteAddressOf(req, services.trustedProxies),
        authorization: req.headers.authorization ?? null,
        web: webRequestOf(req, res, services.trustedProxies),
      }),
  });
  return (req: IncomingMessage, res: ServerResponse): void => {
    const paths = procedurePaths(req.url ?? "");
    if (!paths) refuse(res, 404, errorBody(notAProcedurePath(req.url ?? ""), ""));
    else if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES)
      answerTooLarge(req, res, errorBody(tooLarge(), paths.join(",")));
    else if (!appliance(req, res)) generic(req, res);
  };
}

function notAProcedurePath(url: string): TRPCError {
  return new TRPCError({
    code: "NOT_FOUND",
    message: `${url.split("?")[0]} does not name a procedure; call ${TRPC_BASE_PATH}<procedure> (e.g. ${TRPC_BASE_PATH}appliance.refresh) without "." or ".." segments or "//".`,
  });
}

/** An error answer in tRPC's shape, for a request refused before any procedure runs. */
function errorBody(error: TRPCError, path: string): unknown {
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
  return { error: shape };
}

function refuse(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}
