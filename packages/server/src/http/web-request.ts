import type { IncomingMessage, ServerResponse } from "node:http";
import { TLSSocket } from "node:tls";
import { readCookie, sessionCookieName } from "../auth/cookies.ts";
import { CONSOLE_HEADER, type WebRequest } from "../auth/web-request.ts";
import type { AddressSet } from "./ip-address.ts";
import { fromTrustedProxy } from "./remote-address.ts";

/**
 * The browser facts of one request, and a way to add a `Set-Cookie` to its answer. Behind a
 * trusted proxy (SLS_TRUST_PROXY) the host and scheme the browser used are the proxy's
 * `X-Forwarded-Host` / `X-Forwarded-Proto`; from any other client those headers are ignored.
 */
export function webRequestOf(req: IncomingMessage, res: ServerResponse, trustedProxies?: AddressSet): WebRequest {
  const { host: forwardedHost, proto: forwardedProto } = forwardedHostAndProto(req, trustedProxies);
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

/** X-Forwarded-Host and -Proto (the first, client-facing proxy's), from a trusted proxy only. */
function forwardedHostAndProto(
  req: IncomingMessage,
  trustedProxies?: AddressSet,
): { host: string | null; proto: string | null } {
  if (!fromTrustedProxy(req, trustedProxies)) return { host: null, proto: null };
  return { host: firstValue(req.headers["x-forwarded-host"]), proto: firstValue(req.headers["x-forwarded-proto"]) };
}

function firstValue(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(",")[0]?.trim() || null;
}
