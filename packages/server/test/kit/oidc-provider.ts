import { createHmac, createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

/**
 * A real OpenID provider (`oidc-provider`) in the test process, on a loopback port, with its
 * development login form (any password; the login names the user) and, as for every native
 * client, a "Continue" form after it. Three people: an
 * administrator, a viewer and someone in none of the console's groups.
 */
export const SSO_GROUPS = { admins: "sls-admins", viewers: "sls-viewers" } as const;
export const SSO_USERS = {
  alice: { groups: [SSO_GROUPS.admins, "staff"] },
  bob: { groups: [SSO_GROUPS.viewers] },
  carol: { groups: ["staff"] },
} as const;
export type SsoUser = keyof typeof SSO_USERS;

export const SSO_CLIENT = { id: "sls-console", secret: "a-client-secret-nobody-may-see-1234" } as const;

/**
 * How a test rewrites the ID token the provider's token endpoint returns, to play an attacker or
 * a misbehaving provider: new claims, and how to sign them (the provider's own key by default).
 */
export interface IdTokenForgery {
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** `HS256` signs with the client secret, `none` not at all, `other-key` with an RSA key the provider never published. */
  signing?: "provider-key" | "HS256" | "none" | "other-key";
}

export interface TestOidcProvider {
  issuer: string;
  /** The environment that points the console at this provider. */
  env: Record<string, string>;
  /** Changes a person's groups at the provider (seen at their next sign-in). */
  setGroups(user: string, groups: readonly string[]): void;
  /** The next ID tokens are rewritten so; null restores honest answers. */
  forge(forgery: IdTokenForgery | null): void;
  close(): Promise<void>;
}

/** `port`: where to listen (0, the default, picks a free one); a test may name one a console already points at. */
export async function startOidcProvider(port = 0): Promise<TestOidcProvider> {
  const groups = new Map<string, readonly string[]>(Object.entries(SSO_USERS).map(([user, u]) => [user, u.groups]));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };
  let forgery: IdTokenForgery | null = null;

  let handle: ((...args: Parameters<Parameters<typeof createServer>[1] & object>) => void) | null = null;
  const server: Server = createServer((req, res) => handle?.(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: SSO_CLIENT.id,
        client_secret: SSO_CLIENT.secret,
        // Native: a loopback redirect on any port (RFC 8252), so consoles on test ports need no registration.
        application_type: "native",
        redirect_uris: ["http://127.0.0.1/api/auth/oidc/callback"],
        post_logout_redirect_uris: ["http://127.0.0.1/login"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ["test-cookie-key"] },
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "groups"], email: ["email"] },
    // Scope claims in the ID token too, as Entra ID, Keycloak and Okta put the groups there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: (_ctx, id) =>
      groups.has(id)
        ? {
            accountId: id,
            claims: () => ({
              sub: id,
              name: id,
              preferred_username: id,
              email: `${id}@example.net`,
              groups: [...(groups.get(id) ?? [])],
            }),
          }
        : undefined,
    // First-party client: no consent screen, the grant is given at sign-in.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid profile email");
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (forgery && ctx.path === "/token" && ctx.status === 200 && typeof body?.id_token === "string") {
      ctx.body = { ...body, id_token: forge(body.id_token, forgery, privateKey) };
    }
  });
  handle = provider.callback();

  return {
    issuer,
    env: {
      SLS_OIDC_ISSUER: issuer,
      SLS_OIDC_CLIENT_ID: SSO_CLIENT.id,
      SLS_OIDC_CLIENT_SECRET: SSO_CLIENT.secret,
      SLS_OIDC_ADMIN_GROUPS: SSO_GROUPS.admins,
      SLS_OIDC_VIEWER_GROUPS: SSO_GROUPS.viewers,
    },
    setGroups: (user, list) => groups.set(user, list),
    forge: (next) => {
      forgery = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forge(idToken: string, forgery: IdTokenForgery, providerKey: KeyObject): string {
  const [header, payload] = idToken.split(".") as [string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const kid = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { kid?: string }).kid;
  const body = b64(JSON.stringify(forgery.claims ? forgery.claims(claims) : claims));
  const signing = forgery.signing ?? "provider-key";
  if (signing === "none") return `${b64(JSON.stringify({ alg: "none", typ: "JWT" }))}.${body}.`;
  if (signing === "HS256") {
    const head = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const mac = createHmac("sha256", SSO_CLIENT.secret).update(`${head}.${body}`).digest("base64url");
    return `${head}.${body}.${mac}`;
  }
  const key =
    signing === "other-key"
      ? createPrivateKey(
          generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }),
        )
      : providerKey;
  const head = b64(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
  const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(key, "base64url");
  return `${head}.${body}.${signature}`;
}

function b64(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** A browser's trip through a single sign-on, one step at a time, so tests can stop, replay or tamper. */
export interface SsoTrip {
  /** The console's flow cookie (`sls_sso=…`) as the browser holds it after the start. */
  flowCookie: string;
  /** Where the provider sent the browser back: the console's callback with `code` and `state`. */
  callbackUrl: string;
}

/** Starts a sign-in at the console and signs `user` in through the provider's login form. */
export async function ssoTrip(consoleUrl: string, user: string, next = "/"): Promise<SsoTrip> {
  const start = await fetch(`${consoleUrl}/api/auth/oidc/login?next=${encodeURIComponent(next)}`, {
    redirect: "manual",
  });
  const flowCookie = cookiePair(start, "sls_sso");
  const authorizationUrl = start.headers.get("location");
  if (start.status !== 303 || !flowCookie || !authorizationUrl?.startsWith("http")) {
    throw new Error(`the console did not start a sign-in: ${start.status} ${authorizationUrl}`);
  }
  return { flowCookie, callbackUrl: await signInAtProvider(authorizationUrl, user) };
}

/** Follows the provider's pages as a browser would, filling its login form; the console's callback URL it ends at. */
export async function signInAtProvider(authorizationUrl: string, user: string): Promise<string> {
  const jar = new Map<string, string>();
  const providerOrigin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 10; hop += 1) {
    if (!url.startsWith(providerOrigin)) return url;
    const answer = await fetch(url, {
      method: body ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...jar.entries()].map(([name, value]) => `${name}=${value}`).join("; "),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const header of answer.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    body = undefined;
    const location = answer.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const page = await answer.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1];
    if (answer.status !== 200 || !action || !prompt) {
      throw new Error(
        `the provider answered ${answer.status} without its login or consent form: ${page.slice(0, 2000)}`,
      );
    }
    url = new URL(action.replaceAll("&amp;", "&"), url).href;
    // Its login form takes any password; a native client's sign-in then asks to continue.
    body = new URLSearchParams(prompt === "login" ? { prompt, login: user, password: "any password" } : { prompt });
  }
  throw new Error("the provider never sent the browser back to the console");
}

/** The console's answer at its callback, as the browser holding `flowCookie` gets it. */
export async function returnToConsole(
  trip: SsoTrip,
  flowCookie: string | null = trip.flowCookie,
): Promise<{ status: number; location: string | null; sessionCookie: string | null }> {
  const answer = await fetch(trip.callbackUrl, {
    redirect: "manual",
    headers: flowCookie ? { cookie: flowCookie } : {},
  });
  return {
    status: answer.status,
    location: answer.headers.get("location"),
    sessionCookie: cookiePair(answer, "sls_session"),
  };
}

/** `name=value` of a cookie the answer sets (not one it clears), or null. */
function cookiePair(answer: Response, name: string): string | null {
  for (const header of answer.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return null;
}
