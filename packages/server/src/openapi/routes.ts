import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http/json-io.ts";
import type { Logger } from "../logger.ts";
import { OPENAPI_PATH, openApiDocument, REFERENCE_PATH } from "./document.ts";
import { REFERENCE_PAGE_POLICY, renderReferencePage } from "./reference-page.ts";

interface Page {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * GET /api/openapi.json and GET /api/reference, made once on first use: the document describes
 * the routers this process runs, which do not change while it runs. Returns whether it answered.
 */
export function createOpenApiRoutes(log: Logger) {
  let pages: Map<string, Page> | null = null;
  const build = (): Map<string, Page> => {
    const document = openApiDocument();
    const json = Buffer.from(JSON.stringify(document));
    const html = Buffer.from(renderReferencePage(document));
    return new Map<string, Page>([
      [OPENAPI_PATH, { body: json, headers: { "content-type": "application/json" } }],
      [
        REFERENCE_PATH,
        {
          body: html,
          headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": REFERENCE_PAGE_POLICY },
        },
      ],
    ]);
  };
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path !== OPENAPI_PATH && path !== REFERENCE_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("Only GET and HEAD are served here.\n");
      return true;
    }
    try {
      pages ??= build();
    } catch (error) {
      // A contract zod cannot describe (a transform in an answer, say): the API itself still serves.
      log.error("the OpenAPI document cannot be generated", { error: (error as Error).message });
      sendJson(res, 500, { error: "The OpenAPI document cannot be generated; the server's log says why." });
      return true;
    }
    const page = pages.get(path)!;
    res.writeHead(200, { ...page.headers, "cache-control": "no-cache", "content-length": page.body.length });
    res.end(req.method === "HEAD" ? undefined : page.body);
    return true;
  };
}
