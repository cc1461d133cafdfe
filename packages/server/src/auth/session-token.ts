import { randomBytes } from "node:crypto";
import { hashToken } from "./token.ts";

const SESSION_PREFIX = "sls_";
const SESSION_TOKEN = /^sls_([0-9a-z]{1,11})_[\w-]{43}$/;

/**
 * A console session token: its issue time (base 36 ms) and 256 random bits in the cookie, only its
 * SHA-256 in the database. The issue time rides in the token because the hash binds it: a token
 * with an edited time has no session, so the absolute lifetime needs no extra column or read.
 */
export function newSessionToken(issuedAtMs: number): { token: string; hash: string } {
  const token = `${SESSION_PREFIX}${Math.floor(issuedAtMs).toString(36)}_${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token) };
}

/** When the session of `token` began, or null for a token of another shape. */
export function sessionIssuedAt(token: string): number | null {
  const match = SESSION_TOKEN.exec(token);
  return match ? Number.parseInt(match[1]!, 36) : null;
}

export { hashToken as hashSessionToken };
