import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  returnToConsole,
  SSO_CLIENT,
  SSO_GROUPS,
  type IdTokenForgery,
  ssoTrip,
  startOidcProvider,
  type TestOidcProvider,
} from "./kit/oidc-provider.ts";
import { freePort } from "./kit/processes.ts";
import {
  freshDatabase,
  providers,
  settle,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";

/** A console client holding the session a single sign-on gave this browser. */
function signedInAs(server: TestServer, sessionCookie: string | null): ConsoleClient {
  expect(sessionCookie, "a session cookie").toBeTruthy();
  const client = ConsoleClient.for(server);
  client.cookie = sessionCookie;
  return client;
}

async function readiness(server: TestServer) {
  const answer = await fetch(`${server.baseUrl}/api/ready`);
  return { status: answer.status, text: await answer.text() };
}

describe.each(providers())("single sign-on on %s", (provider) => {
  let db: FreshDatabase;
  let idp: TestOidcProvider;
  let server: TestServer;
  let root: ConsoleClient;
  const logged: string[] = [];

  beforeAll(async () => {
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk, ...rest) => {
      logged.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    idp = await startOidcProvider();
    db = await freshDatabase(provider, "sso");
    server = await startTestServer(db.url, { ...idp.env, SLS_LOG_LEVEL: "debug" });
    root = await setUpAdmin(server);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
    await idp?.close();
    await db?.drop();
  });

  const signIn = async (user: string, next?: string) => returnToConsole(await ssoTrip(server.baseUrl, user, next));

  it("signs an administrator and a viewer in through the provider, each with an account of their own", async () => {
    const alice = await signIn("alice", "/participants?state=pending");
    expect(alice).toMatchObject({ status: 303, location: "/participants?state=pending" });
    const aliceState = await signedInAs(server, alice.sessionCookie).trpc.auth.state.query();
    expect(aliceState.account).toMatchObject({ name: "alice", role: "admin", fromProvider: true, breakGlass: false });

    const bob = await signIn("bob");
    expect(bob.location).toBe("/");
    const bobConsole = signedInAs(server, bob.sessionCookie);
    expect((await bobConsole.trpc.auth.state.query()).account).toMatchObject({ name: "bob", role: "viewer" });
    expect(await settle(bobConsole.trpc.admin.accounts.list.query())).toMatchObject({
      ok: false,
      error: { data: { reason: "ADMIN_ONLY" } },
    });

    // A second sign-in finds the same account.
    const again = await signIn("alice");
    expect((await signedInAs(server, again.sessionCookie).trpc.auth.state.query()).account?.id).toBe(
      aliceState.account?.id,
    );
    const { accounts } = await root.trpc.admin.accounts.list.query();
    expect(accounts.filter((a) => a.fromProvider).map((a) => a.name)).toEqual(["alice", "bob"]);
    expect(accounts.find((a) => a.name === "root")).toMatchObject({ fromProvider: false, breakGlass: true });

    // The audit names provider accounts as such.
    const audit = await root.trpc.admin.audit.list.query({ filter: { actor: "admin:sso:" }, pageSize: 200 });
    expect(audit.rows.map((e) => `${e.type} ${e.actor}`)).toEqual(
      expect.arrayContaining(["admin.login admin:sso:alice", "admin.account-create admin:sso:bob"]),
    );
  });

  it("refuses someone in neither group with the reason, and makes no account", async () => {
    const carol = await signIn("carol");
    expect(carol).toMatchObject({ status: 303, location: "/login?sso=no-role", sessionCookie: null });
    const { accounts } = await root.trpc.admin.accounts.list.query();
    expect(accounts.map((a) => a.name)).not.toContain("carol");
  });

  it("sets the role from the groups at every sign-in", async () => {
    idp.setGroups("bob", [SSO_GROUPS.admins]);
    const promoted = await signIn("bob");
    expect((await signedInAs(server, promoted.sessionCookie).trpc.auth.state.query()).account?.role).toBe("admin");
    idp.setGroups("bob", [SSO_GROUPS.viewers]);
    const demoted = await signIn("bob");
    expect((await signedInAs(server, demoted.sessionCookie).trpc.auth.state.query()).account?.role).toBe("viewer");
    idp.setGroups("bob", ["former-staff"]);
    expect((await signIn("bob")).location).toBe("/login?sso=no-role");
    idp.setGroups("bob", [SSO_GROUPS.viewers]);
  });

  it("refuses a callback in a browser that did not start the sign-in, or with another sign-in's state", async () => {
    const trip = await ssoTrip(server.baseUrl, "alice");
    expect(await returnToConsole(trip, null)).toMatchObject({ location: "/login?sso=expired", sessionCookie: null });
    const other = await ssoTrip(server.baseUrl, "alice");
    expect(await returnToConsole(trip, other.flowCookie)).toMatchObject({
      location: "/login?sso=failed",
      sessionCookie: null,
    });
    // A state made up by an attacker, with a flow cookie of a sign-in of their own.
    const forged = { ...trip, callbackUrl: trip.callbackUrl.replace(/state=[^&]+/, "state=forged") };
    expect(await returnToConsole(forged)).toMatchObject({ location: "/login?sso=failed", sessionCookie: null });
  });

  it("refuses a replayed callback", async () => {
    const trip = await ssoTrip(server.baseUrl, "alice");
    expect((await returnToConsole(trip)).sessionCookie).toBeTruthy();
    expect(await returnToConsole(trip)).toMatchObject({ location: "/login?sso=failed", sessionCookie: null });
  });

  // Each forgery with the check that must refuse it, as the log names it (openid-client's own words).
  const forgeries: [string, IdTokenForgery, RegExp][] = [
    ["a wrong nonce", { claims: (c) => ({ ...c, nonce: "not-this-flows-nonce" }) }, /"nonce" claim value/],
    [
      "a token for another client",
      { claims: (c) => ({ ...c, aud: "another-client", azp: "another-client" }) },
      /"aud" \(audience\)/,
    ],
    ["an expired token", { claims: (c) => ({ ...c, iat: now() - 7200, exp: now() - 3600 }) }, /"exp" \(expiration/],
    ["another issuer", { claims: (c) => ({ ...c, iss: "https://idp.example.net" }) }, /"iss" \(issuer\)/],
    ["a signature by a key the provider never published", { signing: "other-key" }, /signature verification failed/],
    ["an unexpected algorithm (HS256 with the client secret)", { signing: "HS256" }, /unexpected JWT "alg"/],
    ["no signature (alg none)", { signing: "none" }, /unexpected JWT "alg"/],
  ];
  it.each(forgeries)("refuses an ID token with %s", async (_what, forgery, check) => {
    idp.forge(forgery);
    const before = logged.length;
    try {
      const answer = await signIn("alice");
      expect(answer).toMatchObject({ status: 303, location: "/login?sso=failed", sessionCookie: null });
    } finally {
      idp.forge(null);
    }
    const refusal = logged.slice(before).find((line) => line.includes("single sign-on refused"));
    expect(JSON.parse(refusal ?? "{}").problem).toMatch(check);
    // The same token honestly signed passes: the refusal was the forgery's.
    idp.forge({ claims: (c) => c });
    try {
      expect((await signIn("alice")).sessionCookie).toBeTruthy();
    } finally {
      idp.forge(null);
    }
  });

  it("checks the redirect target as the sign-in page does", async () => {
    expect((await signIn("alice", "//evil.example/")).location).toBe("/");
    expect((await signIn("alice", "https://evil.example/")).location).toBe("/");
    expect((await signIn("alice", "/%5Cevil.example")).location).toBe("/");
  });

  it("signs out of the console and hands the browser to the provider's logout", async () => {
    const alice = signedInAs(server, (await signIn("alice")).sessionCookie);
    const signedOut = await alice.trpc.auth.logout.mutate();
    const logout = new URL(signedOut.providerLogoutUrl ?? "");
    expect(logout.origin).toBe(idp.issuer);
    expect(logout.searchParams.get("client_id")).toBe(SSO_CLIENT.id);
    expect(logout.searchParams.get("post_logout_redirect_uri")).toBe(`${server.baseUrl}/login`);
    expect((await alice.trpc.auth.state.query()).account).toBeNull();
    // A local account signs out of the console only.
    const local = ConsoleClient.for(server);
    await local.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    expect((await local.trpc.auth.logout.mutate()).providerLogoutUrl).toBeNull();
  });

  it("signs a removed account out everywhere; its password cannot be set nor its role changed", async () => {
    const bob = signedInAs(server, (await signIn("bob")).sessionCookie);
    const { accounts } = await root.trpc.admin.accounts.list.query();
    const bobId = accounts.find((a) => a.name === "bob")?.id ?? "";
    for (const change of [
      () => root.trpc.admin.accounts.resetPassword.mutate({ id: bobId, password: "a long new password" }),
      () => root.trpc.admin.accounts.setRole.mutate({ id: bobId, role: "admin" }),
      () => root.trpc.admin.accounts.setBreakGlass.mutate({ id: bobId, breakGlass: true }),
    ]) {
      expect(await settle(change())).toMatchObject({ ok: false, error: { data: { reason: "MANAGED_BY_PROVIDER" } } });
    }
    // No password signs a provider account in.
    expect(
      await settle(ConsoleClient.for(server).trpc.auth.login.mutate({ name: "bob", password: "sso" })),
    ).toMatchObject({ ok: false, error: { data: { reason: "BAD_CREDENTIALS" } } });
    await root.trpc.admin.accounts.remove.mutate({ id: bobId });
    expect((await bob.trpc.auth.state.query()).account).toBeNull();
  });

  it("reports the provider in /api/ready and on Settings, and never shows nor logs the client secret", async () => {
    const ready = await readiness(server);
    expect(JSON.parse(ready.text)).toMatchObject({ ready: true, checks: { sso: { ok: true } } });
    const summary = await root.trpc.admin.sso.get.query();
    expect(summary).toMatchObject({
      configured: true,
      reachable: true,
      issuer: `${idp.issuer}/`,
      adminGroups: [SSO_GROUPS.admins],
      viewerGroups: [SSO_GROUPS.viewers],
      groupsClaim: "groups",
    });
    expect(JSON.stringify(summary) + ready.text).not.toContain(SSO_CLIENT.secret);
    expect(logged.some((line) => line.includes("single sign-on refused"))).toBe(true);
    expect(logged.filter((line) => line.includes(SSO_CLIENT.secret))).toEqual([]);
  });
});

describe.each(providers())("SLS_LOCAL_LOGIN=off on %s", (provider) => {
  let db: FreshDatabase;
  let idp: TestOidcProvider;
  let server: TestServer;

  beforeAll(async () => {
    idp = await startOidcProvider();
    db = await freshDatabase(provider, "sso_local_off");
    server = await startTestServer(db.url, { ...idp.env, SLS_LOCAL_LOGIN: "off" });
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
    await db?.drop();
  });

  it("lets only break-glass accounts sign in with a password", async () => {
    const root = await setUpAdmin(server);
    expect((await root.trpc.auth.state.query()).sso).toEqual({ enabled: true, localLogin: false });
    const created = await root.trpc.admin.accounts.create.mutate({
      name: "operator",
      password: ADMIN_PASSWORD,
      role: "admin",
    });
    const operator = ConsoleClient.for(server);
    const refused = await settle(operator.trpc.auth.login.mutate({ name: "operator", password: ADMIN_PASSWORD }));
    expect(refused).toMatchObject({ ok: false, status: 403, error: { data: { reason: "LOCAL_LOGIN_OFF" } } });
    expect(operator.cookie).toBeNull();
    await root.trpc.admin.accounts.setBreakGlass.mutate({ id: created.id, breakGlass: true });
    await operator.trpc.auth.login.mutate({ name: "operator", password: ADMIN_PASSWORD });
    expect((await operator.trpc.auth.state.query()).account).toMatchObject({ name: "operator", breakGlass: true });
    // The first administrator is break-glass from setup on.
    await ConsoleClient.for(server).trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    // Single sign-on is unaffected.
    expect((await returnToConsole(await ssoTrip(server.baseUrl, "bob"))).sessionCookie).toBeTruthy();
  });
});

describe("a provider that cannot be reached at start", () => {
  let db: FreshDatabase;
  let idp: TestOidcProvider | undefined;
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    db = await freshDatabase("sqlite", "sso_unreachable");
    server = await startTestServer(db.url, {
      SLS_OIDC_ISSUER: `http://127.0.0.1:${port}`,
      SLS_OIDC_CLIENT_ID: SSO_CLIENT.id,
      SLS_OIDC_CLIENT_SECRET: SSO_CLIENT.secret,
      SLS_OIDC_VIEWER_GROUPS: SSO_GROUPS.viewers,
    });
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
    await db?.drop();
  });

  it("is reported but not fatal, and is used once it answers", async () => {
    const down = await waitFor(
      async () => {
        const ready = JSON.parse((await readiness(server)).text);
        return ready.checks.sso?.detail.includes("not reached") && ready;
      },
      { what: "the readiness check to report the provider down" },
    );
    expect(down).toMatchObject({ ready: true, checks: { sso: { ok: false } } });
    const start = await fetch(`${server.baseUrl}/api/auth/oidc/login`, { redirect: "manual" });
    expect(start.headers.get("location")).toBe("/login?sso=unavailable");

    idp = await startOidcProvider(port);
    await waitFor(async () => JSON.parse((await readiness(server)).text).checks.sso?.ok, {
      what: "discovery retried until the provider answers",
    });
    const bob = await returnToConsole(await ssoTrip(server.baseUrl, "bob"));
    expect(bob.sessionCookie).toBeTruthy();
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}
