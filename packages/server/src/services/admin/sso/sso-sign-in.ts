import { type AccountRole, type AccountRow, PROVIDER_ACCOUNT_VERIFIER } from "@sls/db";
import * as oidc from "openid-client";
import type { WebRequest } from "../../../auth/web-request.ts";
import { safeNext } from "../../../contracts/safe-next.ts";
import { newAccountId } from "../auth.ts";
import { adminActor, recordAdminEvent } from "../events.ts";
import { startSession } from "../sessions.ts";
import type { Services } from "../../context.ts";
import { readSsoFlow, ssoFlowCookie, type TSsoFlow } from "./sso-flow-cookie.ts";
import { describe, type SsoProvider } from "./sso-provider.ts";
import { groupsIn, roleFromGroups } from "./sso-settings.ts";
import { providerAccountName } from "./provider-account-name.ts";

export const SSO_LOGIN_PATH = "/api/auth/oidc/login";
export const SSO_CALLBACK_PATH = "/api/auth/oidc/callback";
/** Scopes asked for: the person's id, name and e-mail; the groups claim comes with them (docs/console.md). */
const SCOPES = "openid profile email";

/**
 * Why a single sign-on was refused, as the sign-in page explains it (`/login?sso=<refusal>`):
 * a closed list, so nothing the provider or an attacker sends is ever shown.
 */
type SsoRefusal = "unavailable" | "expired" | "denied" | "failed" | "no-role";

type SsoServices = Pick<Services, "store" | "now" | "log"> & { sso: SsoProvider };

/** Where the browser goes next: to the provider, back to the console, or to the sign-in page with a refusal. */
export type SsoStep = { redirect: string };

/** The console's own address as the browser reached it (Host was checked against SLS_ALLOWED_HOSTS). */
function originOf(web: WebRequest): string {
  return `${web.secure ? "https" : "http"}://${web.host ?? "localhost"}`;
}

function callbackUrl(web: WebRequest): string {
  return `${originOf(web)}${SSO_CALLBACK_PATH}`;
}

function refused(why: SsoRefusal): SsoStep {
  return { redirect: `/login?sso=${why}` };
}

/** Starts a sign-in: a fresh state, nonce and PKCE verifier in the browser's flow cookie, then the provider. */
export async function beginSsoSignIn(services: SsoServices, web: WebRequest, next: string | null): Promise<SsoStep> {
  const config = await services.sso.configuration();
  if (!config) return refused("unavailable");
  const flow: TSsoFlow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    next: safeNext(next),
    startedAt: services.now(),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(web),
    scope: SCOPES,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
  });
  web.setCookie(ssoFlowCookie(flow, web.secure));
  return { redirect: url.href };
}

/**
 * The provider's answer at the callback. Refused unless it comes to the browser that started the
 * sign-in (its flow cookie, `state`), and the code exchange gives an ID token signed with the
 * provider's key (RS256), for this client, from this issuer, not expired, with this flow's nonce.
 * Then the person's account (made on first sign-in) gets the role their groups give, and a session.
 */
export async function finishSsoSignIn(
  services: SsoServices,
  web: WebRequest,
  remoteAddress: string,
  answer: { url: URL; flowCookie: string | null },
): Promise<SsoStep> {
  const { log } = services;
  const flow = readSsoFlow(answer.flowCookie, services.now());
  web.setCookie(ssoFlowCookie(null, web.secure));
  if (answer.url.searchParams.has("error")) {
    log.info("single sign-on refused by the provider", {
      error: answer.url.searchParams.get("error")?.slice(0, 64),
      remoteAddress,
    });
    return refused("denied");
  }
  if (!flow) {
    log.warn("single sign-on refused: no sign-in started in this browser (or it expired)", { remoteAddress });
    return refused("expired");
  }
  const config = await services.sso.configuration();
  if (!config) return refused("unavailable");
  let claims: Record<string, unknown>;
  let groups: string[];
  try {
    const tokens = await oidc.authorizationCodeGrant(config, answer.url, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims() ?? {};
    groups = await groupsOf(services.sso, config, claims, tokens.access_token);
  } catch (error) {
    log.warn("single sign-on refused: the provider's answer did not pass the checks", {
      problem: describe(error),
      remoteAddress,
    });
    await recordAdminEvent(services, {
      type: "admin.login-failed",
      actor: `address:${remoteAddress}`,
      detail: { via: "sso", problem: describe(error).slice(0, 200) },
    });
    return refused("failed");
  }
  const issuer = String(claims.iss);
  const subject = String(claims.sub);
  const role = roleFromGroups(groups, services.sso.settings);
  if (!role) {
    log.warn("single sign-on refused: the person is in none of the console's groups", { subject, remoteAddress });
    await recordAdminEvent(services, {
      type: "admin.login-failed",
      actor: `address:${remoteAddress}`,
      detail: { via: "sso", subject, reason: "in neither the admin nor the viewer groups" },
    });
    return refused("no-role");
  }
  const account = await accountFor(services, { issuer, subject }, claims, role);
  if (!(await startSession(services, web, { id: account.id, passwordHash: PROVIDER_ACCOUNT_VERIFIER }))) {
    return refused("failed");
  }
  await recordAdminEvent(services, {
    type: "admin.login",
    actor: adminActor(account),
    detail: { via: "sso", role, remoteAddress },
  });
  return { redirect: flow.next };
}

/** The groups from the ID token, or from the userinfo endpoint when the token does not carry the claim. */
async function groupsOf(
  sso: SsoProvider,
  config: oidc.Configuration,
  claims: Record<string, unknown>,
  accessToken: string,
): Promise<string[]> {
  const claim = sso.settings.groupsClaim;
  if (claim in claims || !config.serverMetadata().userinfo_endpoint) return groupsIn(claims, claim);
  const userinfo = await oidc.fetchUserInfo(config, accessToken, String(claims.sub));
  return groupsIn(userinfo, claim);
}

/**
 * The person's account: made on first sign-in (named after the provider's user name, or e-mail),
 * its role set from the groups at every sign-in, under the pool lock with its audit rows.
 */
async function accountFor(
  services: SsoServices,
  identity: { issuer: string; subject: string },
  claims: Record<string, unknown>,
  role: AccountRole,
): Promise<AccountRow> {
  const at = new Date(services.now());
  return services.store.inPoolTransaction(async (pool) => {
    const { accounts } = pool;
    const known = await accounts.findByIdentity(identity);
    if (known) {
      if (known.role === role) return known;
      const updated = await accounts.setRole(known.id, role);
      await pool.audit([
        {
          at,
          type: "admin.account-role",
          actor: adminActor(updated),
          detail: { account: updated.name, from: known.role, to: role, via: "sso groups" },
        },
      ]);
      return updated;
    }
    const name = await providerAccountName(
      claims,
      async (candidate) => (await accounts.findByName(candidate)) !== null,
    );
    const created = await accounts.createFromProvider({ id: newAccountId(), name, role, at }, identity);
    await pool.audit([
      {
        at,
        type: "admin.account-create",
        actor: adminActor(created),
        detail: { account: created.name, role, via: "sso", subject: identity.subject },
      },
    ]);
    return created;
  });
}

/** Where the browser goes after the console session ends: the provider's logout, when it offers one. */
export async function ssoLogoutUrl(sso: SsoProvider, web: WebRequest): Promise<string | null> {
  const config = await sso.configuration();
  if (!config?.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: `${originOf(web)}/login` }).href;
}
