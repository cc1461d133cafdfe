import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Services } from "../services/context.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { createTrpcRequestHandler, TRPC_BASE_PATH } from "./trpc-handler.ts";
import { createOperationsRoutes } from "../metrics/operations-routes.ts";

type Fallback = (req: IncomingMessage, res: ServerResponse) => void;

/** The web port: health, /api/trpc, and everything else to `fallback` (the Next.js UI). */
export function createAppServer(services: Services, fallback?: Fallback): Server {
  const trpc = createTrpcRequestHandler(services);
  const operations = createOperationsRoutes(services);
  return createServer((req, res) => {
    if (req.url === "/api/health") return sendJson(res, 200, { ok: true });
    if (operations(req, res)) return;
    if (req.url?.startsWith(TRPC_BASE_PATH)) return trpc(req, res);
    if (fallback) return fallback(req, res);
    sendJson(res, 404, { error: "not found" });
  });
}

/** The dedicated licence port (SLS_LICENSE_PORT): appliance calls only. */
export function createLicenseServer(services: Services): Server {
  const appliance = createApplianceHandler(services);
  const operations = createOperationsRoutes(services, { readiness: false });
  return createServer((req, res) => {
    if (operations(req, res)) return;
    if (!appliance(req, res)) sendJson(res, 404, { error: "only POST /api/trpc/appliance.<verb> is served on this port" });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}
