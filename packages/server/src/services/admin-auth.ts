import { randomUUID } from "node:crypto";
import type { AccountRow } from "@sls/db";
import { AdminError } from "../auth/admin-error.ts";
import { hashPassword, spendVerificationTime, verifyPassword } from "../auth/password.ts";
import type { RateLimitPolicy } from "../auth/rate-limit.ts";
import type { WebRequest } from "../auth/web-request.ts";
import { adminActor, recordAdminEvent } from "./admin-events.ts";
import { currentSession, endSession, startSession } from "./admin-sessions.ts";
import type { Services } from "./context.ts";

/** Sign-in failures per account name and per address: slowed after 3, refused after 10 in 15 min. */
export const LOGIN_POLICY: RateLimitPolicy = { slowAfter: 3, refuseAfter: 10, windowMs: 15 * 60_000, delayStepMs: 500 };

export interface Credentials {
  name: string;
  password: string;
}

export function newAccountId(): string {
  return `acc_${randomUUID().replaceAll("-", "")}`;
}

export async function authState(services: Services, web: WebRequest): Promise<{ setupRequired: boolean; account: AccountRow | null }> {
  const [count, session] = await Promise.all([services.store.accounts.count(), currentSession(services, web)]);
  return { setupRequired: count === 0, account: session?.account ?? null };
}

/** Creates the first administrator and signs it in; refused once any account exists. */
export async function setUp(services: Services, web: WebRequest, input: Credentials): Promise<AccountRow> {
  // Checked before the costly hash, and again under the lock against a concurrent setup.
  if ((await services.store.accounts.count()) > 0) throw setupDone();
  const passwordHash = await hashPassword(input.password);
  const at = new Date(services.now());
  const account = await services.store.accounts.locked(async (accounts, pool) => {
    if ((await accounts.count()) > 0) throw setupDone();
    const created = await accounts.create({ id: newAccountId(), name: input.name, role: "admin", passwordHash, at });
    await pool.audit([{ at, type: "admin.setup", actor: adminActor(created), detail: { account: created.name } }]);
    return created;
  });
  await startSession(services, web, account.id);
  services.log.info("console set up: first administrator created", { account: account.name });
  return account;
}

function setupDone(): AdminError {
  return new AdminError("SETUP_DONE", "The console is already set up; sign in with an existing account.");
}

export async function logIn(services: Services, web: WebRequest, remoteAddress: string, input: Credentials): Promise<AccountRow> {
  const keys = [`account:${input.name}`, `address:${remoteAddress}`];
  await waitOrRefuse(services, keys);
  if ((await services.store.accounts.count()) === 0) {
    throw new AdminError("SETUP_REQUIRED", "No account exists yet; create the first administrator on the setup page.");
  }
  const found = await services.store.accounts.credentials(input.name);
  const ok = found ? await verifyPassword(input.password, found.passwordHash) : (await spendVerificationTime(input.password), false);
  if (!found || !ok) {
    for (const key of keys) services.loginFailures.recordFailure(key);
    services.log.warn("console sign-in refused", { name: input.name, remoteAddress });
    await recordAdminEvent(services, { type: "admin.login-failed", actor: `address:${remoteAddress}`, detail: { name: input.name } });
    throw new AdminError("BAD_CREDENTIALS", "Wrong account name or password.");
  }
  for (const key of keys) services.loginFailures.recordSuccess(key);
  await services.store.accounts.recordLogin(found.account.id, new Date(services.now()));
  await startSession(services, web, found.account.id);
  await recordAdminEvent(services, { type: "admin.login", actor: adminActor(found.account), detail: { remoteAddress } });
  return found.account;
}

export async function logOut(services: Services, web: WebRequest): Promise<void> {
  const session = await currentSession(services, web);
  await endSession(services, web);
  if (session) await recordAdminEvent(services, { type: "admin.logout", actor: adminActor(session.account) });
}

async function waitOrRefuse(services: Services, keys: string[]): Promise<void> {
  let delayMs = 0;
  for (const key of keys) {
    const verdict = services.loginFailures.verdict(key);
    if (verdict.refuse) {
      throw new AdminError(
        "LOGIN_RATE_LIMITED",
        `Too many failed sign-ins; try again in ${Math.ceil(verdict.retryAfterMs / 60_000)} min.`,
      );
    }
    delayMs = Math.max(delayMs, verdict.delayMs);
  }
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
}
