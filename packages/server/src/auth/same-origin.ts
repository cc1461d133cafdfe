import { AdminError } from "./admin-error.ts";
import type { WebRequest } from "./web-request.ts";

/**
 * Cross-site request forgery defence, on top of the SameSite=Strict cookie: a request whose
 * Origin names another site is refused, and a mutation must carry the console's header, which a
 * page on another site can only add through a CORS preflight this server never grants.
 */
export function assertSameOrigin(web: WebRequest, type: "query" | "mutation" | "subscription"): void {
  if (web.origin !== null && web.origin !== "null" && hostOf(web.origin) !== web.host) {
    throw crossSite(`the request comes from ${web.origin}, not from this console`);
  }
  if (web.origin === "null") throw crossSite("the request comes from an opaque origin");
  if (type !== "query" && !web.consoleHeader) throw crossSite("the console's request header is missing");
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function crossSite(why: string): AdminError {
  return new AdminError(
    "CROSS_SITE_REQUEST",
    `Refused as a possible cross-site request: ${why}. Use the console itself.`,
  );
}
