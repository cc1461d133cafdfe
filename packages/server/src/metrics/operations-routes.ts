import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../services/context.ts";
import { createMetricsHandler, METRICS_PATH } from "./metrics-endpoint.ts";
import { checkReadiness } from "./readiness.ts";

const READY_PATH = "/api/ready";

/**
 * GET /metrics (unless SLS_METRICS=off) and, on the web port, GET /api/ready. Returns whether it
 * answered the request; anything else is left to the caller.
 */
export function createOperationsRoutes(services: Services, options: { readiness?: boolean } = {}) {
  const { endpoint } = services.metrics;
  const metrics = endpoint.enabled ? createMetricsHandler(services.metrics, services.log, endpoint.token) : null;
  const readiness = options.readiness !== false;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0];
    if (metrics && path === METRICS_PATH) {
      void metrics(req, res);
      return true;
    }
    if (readiness && path === READY_PATH) {
      void answerReadiness(services, res);
      return true;
    }
    return false;
  };
}

async function answerReadiness(services: Services, res: ServerResponse): Promise<void> {
  const readiness = await checkReadiness(services).catch((error: unknown) => {
    services.log.error("readiness check failed", { error });
    return null;
  });
  if (readiness && !readiness.ready) services.log.warn("not ready", { checks: readiness.checks });
  const status = readiness?.ready ? 200 : 503;
  const body = JSON.stringify(
    readiness ?? { ready: false, error: "the readiness check itself failed; the error is logged" },
  );
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
