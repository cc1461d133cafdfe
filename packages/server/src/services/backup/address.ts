import { z } from "zod";

/** How this server is reached: https when it runs TLS (SLS_TLS_CERT/SLS_TLS_KEY), http otherwise. */
export type Scheme = "http" | "https";

/**
 * The one form of a server address between the two servers, the console and the appliances:
 * an http(s) base URL with nothing after the port. An administrator may type `host`,
 * `host:port` or `[v6]:port` (this server's own `scheme` is assumed: a pair runs TLS on both
 * servers or on neither) or a full http(s) URL, whose scheme is kept; it is stored, handed to
 * appliances and called in this form. Returns null for anything else.
 */
export function normaliseServerAddress(value: string, scheme: Scheme): string | null {
  const trimmed = value.trim().replace(/\/+$/, "");
  if (trimmed === "" || /\s/.test(trimmed)) return null;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (hasScheme && !/^https?:\/\//i.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `${scheme}://${trimmed}`);
  } catch {
    return null;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!bare || url.hostname === "" || !isHostName(url.hostname)) return null;
  return `${url.protocol}//${url.host}`;
}

/** A DNS name, an IPv4 address or a bracketed IPv6 address (as URL gives them back). */
function isHostName(hostname: string): boolean {
  if (hostname.startsWith("[")) return hostname.endsWith("]");
  return /^[a-z0-9]([a-z0-9-]{0,62})?(\.[a-z0-9]([a-z0-9-]{0,62})?)*\.?$/i.test(hostname);
}

const ADDRESS_RULE =
  "must be a host name or IP address with an optional port (backup.example.net:3000), or an http(s):// URL with nothing after the port";

/**
 * A server address as the console and SLS_MAIN_URL accept it: validated and trimmed, as typed.
 * Whoever stores or calls it normalises it with this server's scheme (normaliseServerAddress).
 */
export const ZServerAddress = z
  .string()
  .trim()
  .min(1, "is required")
  .max(253, "must be at most 253 characters")
  .superRefine((value, ctx) => {
    if (normaliseServerAddress(value, "http") === null)
      ctx.addIssue({ code: "custom", message: `${ADDRESS_RULE}; "${value}" is not` });
  });
