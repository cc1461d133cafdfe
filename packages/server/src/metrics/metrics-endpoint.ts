import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken } from "../auth/token.ts";
import type { Logger } from "../logger.ts";
import type { ServerMetrics } from "./server-metrics.ts";

export const METRICS_PATH = "/metrics";

/**
 * GET /metrics for Prometheus. With a token configured, only `Authorization: Bearer <token>`
 * is answered (401 otherwise); the comparison takes the same time whatever the guess.
 */
export function createMetricsHandler(metrics: ServerMetrics, log: Logger, token?: string) {
  const expected = token ? digest(token) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Use GET for /metrics.\n");
      return;
    }
    if (expected) {
      const given = bearerToken(req.headers.authorization ?? null);
      if (!given || !timingSafeEqual(digest(given), expected)) {
        res
          .writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" })
          .end("A bearer token is required for /metrics.\n");
        return;
      }
    }
    try {
      const body = await metrics.exposition();
      res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      log.error("metrics scrape failed", { error });
      res
        .writeHead(503, { "content-type": "text/plain" })
        .end("Metrics are unavailable right now (the database did not answer); the error is logged.\n");
    }
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
