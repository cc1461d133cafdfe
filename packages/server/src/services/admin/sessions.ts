import { HOUR_MS } from "@sls/allocator";
import type { AccountRow } from "@sls/db";
import { clearedSessionCookie, sessionCookie } from "../../auth/cookies.ts";
import { hashSessionToken, newSessionToken, sessionIssuedAt } from "../../auth/session-token.ts";
import type { WebRequest } from "../../auth/web-request.ts";
import type { Services } from "../context.ts";

type SessionServices = Pick<Services, "store" | "now">;
/** A session lasts this long after its last renewal; an idle browser is signed out after it. */
export const SESSION_TTL_MS = 8 * HOUR_MS;
/** However active, a session ends this long after sign-in (an open tab polls, so idleness alone never ends it). */
export const SESSION_MAX_LIFETIME_MS = 12 * HOUR_MS;
/** Renewed (new expiry, new cookie) once less than this is left, not on every call. */
const RENEW_WHEN_LEFT_MS = SESSION_TTL_MS / 2;

export interface CurrentSession {
  tokenHash: string;
  account: AccountRow;
}

/** The signed-in account behind the request's cookie, renewing the session when it is half used. */
export async function currentSession(services: SessionServices, web: WebRequest): Promise<CurrentSession | null> {
  if (!web.sessionToken) return null;
  const tokenHash = hashSessionToken(web.sessionToken);
  const session = await services.store.accounts.findSession(tokenHash);
  const now = services.now();
  const endsAt = (sessionIssuedAt(web.sessionToken) ?? 0) + SESSION_MAX_LIFETIME_MS;
  if (!session || session.expiresAt.getTime() <= now || endsAt <= now) {
    if (session) await services.store.accounts.deleteSession(tokenHash);
    web.setCookie(clearedSessionCookie(web.secure));
    return null;
  }
  const renewedUntil = Math.min(now + SESSION_TTL_MS, endsAt);
  if (session.expiresAt.getTime() - now < RENEW_WHEN_LEFT_MS && renewedUntil > session.expiresAt.getTime()) {
    await services.store.accounts.extendSession(tokenHash, new Date(renewedUntil));
    web.setCookie(sessionCookie(web.sessionToken, (renewedUntil - now) / 1000, web.secure));
  }
  return { tokenHash, account: session.account };
}

/**
 * Signs the browser in as the account whose password was checked against `checkedHash`; false
 * (no session, no cookie) when that verifier is no longer the account's: a password reset
 * committed between the check and now.
 */
export async function startSession(
  services: SessionServices,
  web: WebRequest,
  account: { id: string; passwordHash: string },
): Promise<boolean> {
  const now = services.now();
  const { token, hash } = newSessionToken(now);
  const started = await services.store.accounts.startSessionIfVerifier(
    { tokenHash: hash, accountId: account.id, createdAt: new Date(now), expiresAt: new Date(now + SESSION_TTL_MS) },
    account.passwordHash,
  );
  if (started) web.setCookie(sessionCookie(token, SESSION_TTL_MS / 1000, web.secure));
  return started;
}

export async function endSession(services: Pick<Services, "store">, web: WebRequest): Promise<void> {
  if (web.sessionToken) await services.store.accounts.deleteSession(hashSessionToken(web.sessionToken));
  web.setCookie(clearedSessionCookie(web.secure));
}
