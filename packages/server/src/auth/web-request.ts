/**
 * What the admin console needs from the browser's HTTP request, and the one thing it may do to
 * the response. Absent on the appliance paths, which then cannot reach any console procedure.
 */
export interface WebRequest {
  /** The session cookie's value, if any. */
  sessionToken: string | null;
  /** The `Origin` header, if the browser sent one. */
  origin: string | null;
  /** The host the browser addressed (`Host`, or `X-Forwarded-Host` from a trusted proxy). */
  host: string | null;
  /** Whether the console's own header is present (a cross-site form cannot send it). */
  consoleHeader: boolean;
  /** Whether the browser reached us over HTTPS (TLS here, or `X-Forwarded-Proto: https` from a trusted proxy), so cookies get `Secure`. */
  secure: boolean;
  setCookie(header: string): void;
}

/** Sent by the console's tRPC client on every call; a cross-site form or image cannot add it. */
export const CONSOLE_HEADER = "x-sls-console";
