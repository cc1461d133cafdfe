import { randomBytes } from "node:crypto";
import { hashToken } from "./token.ts";

const SESSION_PREFIX = "sls_";

/** A console session token: 256 random bits in the cookie, only its SHA-256 in the database. */
export function newSessionToken(): { token: string; hash: string } {
  const token = SESSION_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export { hashToken as hashSessionToken };
