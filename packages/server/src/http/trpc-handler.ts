import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../root.ts";
import type { Services } from "../services/context.ts";
import { createContextInner } from "../trpc.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { arrivalOf } from "./arrival.ts";
import { procedurePaths, TRPC_BASE_PATH } from "./procedure-paths.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { answerTooLarge, MAX_BODY_BYTES, sendJson, tooLarge, trpcErrorBody } from "./json-io.ts";
import { webRequestOf } from "./web-request.ts";

/**
 * Serves everything under /api/trpc: appliance calls on their own path, the rest through tRPC's
 * adapter. Batching is off, so one request is one call: a batch would start one password check
 * per call it lists, all before any of them is counted. A path that does not name procedures
 * plainly is refused (procedure-paths.ts). A body declared larger than the limit is refused before
 * a byte of it is read (json-io.ts), one that turns out larger when the limit is reached.
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
        arrivedAt: arrivalOf(req),
        services,
        remoteAddress: remoteAddressOf(req, services.trustedProxies),
        authorization: req.headers.authorization ?? null,
        web: webRequestOf(req, res, services.trustedProxies),
      }),
  });
  return (req: IncomingMessage, res: ServerResponse): void => {
    const paths = procedurePaths(req.url ?? "");
    if (!paths) sendJson(res, 404, trpcErrorBody(notAProcedurePath(req.url ?? ""), { type: "unknown", path: "" }));
    else if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES)
      answerTooLarge(req, res, trpcErrorBody(tooLarge(), { type: "unknown", path: paths.join(",") }));
    else if (!appliance(req, res)) generic(req, res);
  };
}

function notAProcedurePath(url: string): TRPCError {
  return new TRPCError({
    code: "NOT_FOUND",
    message: `${url.split("?")[0]} does not name a procedure; call ${TRPC_BASE_PATH}<procedure> (e.g. ${TRPC_BASE_PATH}appliance.refresh) without "." or ".." segments or "//".`,
  });
}
