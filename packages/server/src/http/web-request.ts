import type { IncomingMessage, ServerResponse } from "node:http";
import { TLSSocket } from "node:tls";
import { readCookie, sessionCookieName } from "../auth/cookies.ts";
import { CONSOLE_HEADER, type WebRequest } from "../auth/web-request.ts";

/** The browser facts of one request, and a way to add a `Set-Cookie` to its answer. */
export function webRequestOf(req: IncomingMessage, res: ServerResponse): WebRequest {
  const forwardedHost = firstValue(req.headers["x-forwarded-host"]);
  const forwardedProto = firstValue(req.headers["x-forwarded-proto"]);
  const secure = req.socket instanceof TLSSocket || forwardedProto === "https";
  return {
    sessionToken: readCookie(req.headers.cookie, sessionCookieName(secure)),
    origin: firstValue(req.headers.origin),
    host: forwardedHost ?? req.headers.host ?? null,
    consoleHeader: req.headers[CONSOLE_HEADER] !== undefined,
    secure,
    setCookie: (header) => res.appendHeader("set-cookie", header),
  };
}

function firstValue(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(",")[0]?.trim() || null;
}
