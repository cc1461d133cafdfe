import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../services/context.ts";
import { createMetricsHandler, METRICS_PATH } from "./metrics-endpoint.ts";
import { cachedReadiness, type Readiness, startingReadiness } from "./readiness.ts";
import type { TtlCache } from "./ttl-cache.ts";

const READY_PATH = "/api/ready";

/**
 * GET /metrics (unless SLS_METRICS=off) and, on the web port, GET /api/ready. Returns whether it
 * answered the request; anything else is left to the caller.
 */
export function createOperationsRoutes(services: Services, options: { readiness?: boolean } = {}) {
  const { endpoint } = services.metrics;
  const metrics = endpoint.enabled ? createMetricsHandler(services.metrics, services.log, endpoint.token) : null;
  const readiness = options.readiness !== false ? cachedReadiness(services) : null;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0];
    if (metrics && path === METRICS_PATH) {
      void metrics(req, res);
      return true;
    }
    if (readiness && path === READY_PATH) {
      void answerReadiness(services, readiness, res);
      return true;
    }
    return false;
  };
}

async function answerReadiness(services: Services, cache: TtlCache<Readiness>, res: ServerResponse): Promise<void> {
  const { startup } = services;
  const readiness = startup.starting ? startingReadiness(startup.waitingFor) : await cache.get();
  const body = JSON.stringify(readiness);
  const status = readiness.ready ? 200 : 503;
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
