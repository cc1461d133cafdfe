import { randomBytes } from "node:crypto";
import { hashToken } from "./token.ts";

/** Recognisable in logs, scanners and the `Authorization` header: a participant's token starts with `slt_`. */
const API_TOKEN_PREFIX = "sls_tok_";

/** A new API token (256 random bits) and the SHA-256 that is all the database keeps of it. */
export function newApiToken(): { token: string; hash: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}
