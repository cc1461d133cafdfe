import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../root.ts";
import type { Services } from "../services/context.ts";
import { createContextInner } from "../trpc.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { webRequestOf } from "./web-request.ts";

export const TRPC_BASE_PATH = "/api/trpc/";

/** The largest request body any call accepts; the largest real input is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Serves everything under /api/trpc: appliance calls on their own path, the rest through tRPC's
 * adapter. Batching is off, so one request is one call: a batch would start one password check
 * per call it lists, all before any of them is counted. A body declared larger than the limit is
 * refused before a byte of it is read, and one that turns out larger is cut off at the limit.
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
        web: webRequestOf(req, res),
      }),
  });
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
      refuseTooLarge(req, res);
      return;
    }
    if (!appliance(req, res)) generic(req, res);
  };
}

/** 413 in tRPC's error shape; the connection is closed rather than read to the end of the body. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const path = procedurePath(req.url ?? "");
  const error = new TRPCError({
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than ${MAX_BODY_BYTES} bytes; no call takes more.`,
  });
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
  const payload = JSON.stringify({ error: shape });
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    connection: "close",
  });
  res.end(payload, () => req.destroy());
}

function procedurePath(url: string): string {
  const raw = url.slice(TRPC_BASE_PATH.length).split("?")[0] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
