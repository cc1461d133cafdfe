import { MINUTE_MS } from "@sls/allocator";
import { newId, type AccountRow } from "@sls/db";
import { AdminError } from "../../auth/admin-error.ts";
import { admitSignIn } from "../../auth/guesses.ts";
import { hashPassword, spendVerificationTime, verifyPassword } from "../../auth/password.ts";
import type { RateLimitPolicy } from "../../auth/rate-limit.ts";
import type { WebRequest } from "../../auth/web-request.ts";
import type { TLoginInput, TSetupInput } from "../../contracts/auth.ts";
import { adminActor, recordAdminEvent } from "./events.ts";
import { currentSession, endSession, startSession } from "./sessions.ts";
import { ssoLogoutUrl } from "./sso/sso-sign-in.ts";
import type { Services } from "../context.ts";

/** What a sign-in uses: the accounts and sessions, the guessing limiter (auth/guesses.ts) and the log. */
type SignInServices = Pick<
  Services,
  "store" | "now" | "log" | "secrets" | "secretFailures" | "loginFailures" | "localLogin"
>;

/**
 * Sign-in failures in 15 min: per address slowed after 3 (0.5 s more each, at most 10 s) and
 * refused after 10; per IPv6 /64 refused after 100. Failures others caused (the account name
 * typed, the /64 beyond 30, more than 30 a minute from all addresses) only hold wrong answers
 * back: the owner, signing in from an address that has not failed, is neither refused nor slowed
 * (auth/rate-limit.ts).
 */
export const LOGIN_POLICY: RateLimitPolicy = {
  slowAfter: 3,
  refuseAfter: 10,
  windowMs: 15 * MINUTE_MS,
  delayStepMs: 500,
  maxDelayMs: 10_000,
  globalPerMinute: 30,
};

export function newAccountId(): string {
  return newId("acc");
}

export async function authState(
  services: Pick<Services, "store" | "now">,
  web: WebRequest,
): Promise<{ setupRequired: boolean; account: AccountRow | null }> {
  const [count, session] = await Promise.all([services.store.accounts.count(), currentSession(services, web)]);
  return { setupRequired: count === 0, account: session?.account ?? null };
}

/**
 * Creates the first administrator and signs it in: only with the setup code the server printed,
 * and refused once any account exists. Wrong codes count as failed sign-ins from the address.
 */
export async function setUp(
  services: SignInServices & Pick<Services, "setupCodes">,
  web: WebRequest,
  remoteAddress: string,
  input: TSetupInput,
): Promise<AccountRow> {
  // Checked before the costly hash, and again under the lock against a concurrent setup.
  if ((await services.store.accounts.count()) > 0) throw setupDone();
  const attempt = await admitSignIn(services, { address: remoteAddress });
  if (!(await attempt.check(async () => services.setupCodes.matches(input.setupCode)))) {
    services.log.warn("console setup refused: wrong setup code", { remoteAddress });
    throw new AdminError(
      "BAD_SETUP_CODE",
      "Wrong setup code. Use the code in the server's log (the line that says to open /setup) or in its setup-code file.",
    );
  }
  const passwordHash = await hashPassword(input.password);
  const at = new Date(services.now());
  const account = await services.store.inPoolTransaction(async (pool) => {
    const { accounts } = pool;
    if ((await accounts.count()) > 0) throw setupDone();
    // Break-glass: the one who set the console up can still sign in if single sign-on fails.
    const created = await accounts.create({
      id: newAccountId(),
      name: input.name,
      role: "admin",
      passwordHash,
      at,
      breakGlass: true,
    });
    await pool.audit([{ at, type: "admin.setup", actor: adminActor(created), detail: { account: created.name } }]);
    return created;
  });
  services.setupCodes.discard();
  // No other account exists yet, so nobody can have reset this password meanwhile.
  await startSession(services, web, { id: account.id, passwordHash });
  services.log.info("console set up: first administrator created", { account: account.name });
  return account;
}

function setupDone(): AdminError {
  return new AdminError("SETUP_DONE", "The console is already set up; sign in with an existing account.");
}

export async function logIn(
  services: SignInServices,
  web: WebRequest,
  remoteAddress: string,
  input: TLoginInput,
): Promise<AccountRow> {
  if ((await services.store.accounts.count()) === 0) {
    throw new AdminError("SETUP_REQUIRED", "No account exists yet; create the first administrator on the setup page.");
  }
  const attempt = await admitSignIn(services, { address: remoteAddress, account: input.name });
  const stored = await services.store.accounts.credentials(input.name);
  // An account from single sign-on has no password: its name is as unknown here as a wrong one.
  const found = stored?.account.fromProvider ? null : stored;
  // The session is created only while the verifier checked is still the account's: a sign-in
  // with the old password that a reset overtook during the check is a wrong password.
  let localLoginOff = false;
  const signedIn = await attempt.check(async () => {
    if (!found) {
      await spendVerificationTime(input.password, attempt.suspect);
      return false;
    }
    if (!(await verifyPassword(input.password, found.passwordHash, attempt.suspect))) return false;
    // The right password is no failed guess, even where local sign-in is off for this account.
    if (!services.localLogin && !found.account.breakGlass) {
      localLoginOff = true;
      return true;
    }
    return startSession(services, web, { id: found.account.id, passwordHash: found.passwordHash });
  });
  if (!found || !signedIn) {
    // The name typed is recorded only when it is an account's: a password typed into the name
    // field must not end up in the log or in front of viewers.
    const named = found ? { name: input.name } : {};
    services.log.warn("console sign-in refused", { ...named, remoteAddress });
    await recordAdminEvent(services, { type: "admin.login-failed", actor: `address:${remoteAddress}`, detail: named });
    throw new AdminError("BAD_CREDENTIALS", "Wrong account name or password.");
  }
  if (localLoginOff) {
    services.log.warn("console sign-in refused: local sign-in is off and the account is not break-glass", {
      name: input.name,
      remoteAddress,
    });
    await recordAdminEvent(services, {
      type: "admin.login-failed",
      actor: `address:${remoteAddress}`,
      detail: { name: input.name, reason: "local sign-in off, not a break-glass account" },
    });
    throw new AdminError(
      "LOCAL_LOGIN_OFF",
      "Sign-in with a console password is off here (SLS_LOCAL_LOGIN=off) except for break-glass accounts: use Sign in with SSO.",
    );
  }
  await recordAdminEvent(services, {
    type: "admin.login",
    actor: adminActor(found.account),
    detail: { remoteAddress },
  });
  return found.account;
}

/**
 * Ends the console session; for an account from single sign-on, also answers where the browser
 * ends the provider's session (RP-initiated logout), when the provider offers it.
 */
export async function logOut(
  services: Pick<Services, "store" | "now" | "sso">,
  web: WebRequest,
): Promise<{ providerLogoutUrl: string | null }> {
  const session = await currentSession(services, web);
  await endSession(services, web);
  if (!session) return { providerLogoutUrl: null };
  await recordAdminEvent(services, { type: "admin.logout", actor: adminActor(session.account) });
  return {
    providerLogoutUrl: session.account.fromProvider && services.sso ? await ssoLogoutUrl(services.sso, web) : null,
  };
}
