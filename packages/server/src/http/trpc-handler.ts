import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../root.ts";
import type { Services } from "../services/context.ts";
import { createContextInner } from "../trpc.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { webRequestOf } from "./web-request.ts";

export const TRPC_BASE_PATH = "/api/trpc/";

/** Serves everything under /api/trpc: appliance calls on their own path, the rest through tRPC's adapter. */
export function createTrpcRequestHandler(services: Services) {
  const appliance = createApplianceHandler(services);
  const generic = createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    createContext: ({ req, res }) =>
      createContextInner({
        services,
        remoteAddress: remoteAddressOf(req),
        authorization: req.headers.authorization ?? null,
        web: webRequestOf(req, res),
      }),
  });
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!appliance(req, res)) generic(req, res);
  };
}
