/** Over plain HTTP (a console on a trusted network, or a test). */
const SESSION_COOKIE = "sls_session";
/**
 * Over HTTPS: the `__Host-` prefix makes browsers accept the cookie only with `Secure`, `Path=/`
 * and no `Domain`, so neither a plain-HTTP page nor a sibling domain can plant or overwrite it.
 */
const SECURE_SESSION_COOKIE = "__Host-sls_session";

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The value of cookie `name` in a `Cookie` request header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The session cookie: unreadable by scripts (HttpOnly), never sent on cross-site requests
 * (SameSite=Strict), and `Secure` with the `__Host-` name whenever the console is reached over HTTPS.
 */
export function sessionCookie(token: string, maxAgeSec: number, secure: boolean): string {
  return [
    `${sessionCookieName(secure)}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSec))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}
