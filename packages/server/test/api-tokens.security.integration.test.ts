// API tokens on the admin API, over real HTTP: scope, audit, revocation and expiry, what a token
// never reaches, the browser defences beside it, and unknown tokens counted like wrong passwords.
// The server trusts 127.0.0.1 as a proxy, so the guessing test names its own client address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FailureLimiter } from "../src/auth/rate-limit.ts";
import { LOGIN_POLICY } from "../src/services/admin/auth.ts";
import { type ApiClient, createApiClient } from "./kit/clients.ts";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  reasonOf,
  settle,
} from "./kit/test-server.ts";

const SERIAL = "TOKENS01";

describe.each(providers())("API tokens on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let adminToken: { id: string; token: string };
  let viewerToken: { id: string; token: string };

  const withToken = (token: string, headers: Record<string, string> = {}): ApiClient =>
    createApiClient(server.baseUrl, { fetch, headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    db = await freshDatabase(provider, "api_tokens");
    server = await startTestServer(db.url, { SLS_TRUST_PROXY: "127.0.0.1" });
    admin = await setUpAdmin(server);
    const appliance = await registerOk(server, SERIAL);
    await server.api(appliance).appliance.request.mutate({ sessions: 100, requestId: "r1" });
    adminToken = await admin.trpc.admin.tokens.create.mutate({ name: "ci deploy", scope: "admin" });
    viewerToken = await admin.trpc.admin.tokens.create.mutate({ name: "grafana", scope: "viewer" });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers the token once, stores only its hash, and lists it without the token", async () => {
    expect(adminToken.token).toMatch(/^sls_tok_[\w-]{43}$/);
    expect(adminToken.id).toMatch(/^tok_[0-9a-f]{32}$/);
    const { tokens } = await admin.trpc.admin.tokens.list.query();
    expect(tokens.map((t) => [t.name, t.scope, t.state, t.createdBy]).sort()).toEqual([
      ["ci deploy", "admin", "active", "root"],
      ["grafana", "viewer", "active", "root"],
    ]);
    expect(JSON.stringify(tokens)).not.toContain(adminToken.token);
    expect(await server.running.services.store.apiTokens.findByHash(adminToken.token)).toBeNull();
  });

  it("lets a viewer token read and refuses it every change, which leaves the settings as they were", async () => {
    const viewer = withToken(viewerToken.token);
    const before = await viewer.admin.settings.get.query();
    expect((await viewer.admin.participants.list.query({})).rows.map((p) => p.serial)).toEqual([SERIAL]);
    expect((await viewer.admin.overview.get.query()).pool.granted).toBe(100);
    const refused = await settle(viewer.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 45 }));
    expect(refused).toMatchObject({ ok: false, status: 403, error: { data: { reason: "ADMIN_ONLY" } } });
    expect(refused.ok || refused.error.message).toMatch(/API token grafana has viewer scope/);
    expect(await reasonOf(viewer.admin.participants.forceRelease.mutate({ serial: SERIAL }))).toBe("ADMIN_ONLY");
    expect(await reasonOf(viewer.admin.tokens.list.query())).toBe("ADMIN_ONLY");
    expect(await reasonOf(viewer.admin.tokens.create.mutate({ name: "escalate", scope: "admin" }))).toBe("ADMIN_ONLY");
    expect(await viewer.admin.settings.get.query()).toEqual(before);
  });

  it("lets an admin token change things without the console's header, and the audit names the token and its creator", async () => {
    const script = withToken(adminToken.token);
    await script.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 45 });
    expect((await admin.trpc.admin.settings.get.query()).refreshIntervalSec).toBe(45);
    const rows = (await admin.trpc.admin.audit.list.query({ filter: { types: ["admin.refresh-interval"] } })).rows;
    expect(rows[0]).toMatchObject({ actor: `admin:root via API token ci deploy (${adminToken.id})` });
    const created = await script.admin.tokens.create.mutate({ name: "made by a token", scope: "viewer" });
    const creation = (await admin.trpc.admin.audit.list.query({ filter: { types: ["admin.token-create"] } })).rows;
    expect(creation.map((r) => r.actor)).toContain(`admin:root via API token ci deploy (${adminToken.id})`);
    await script.admin.tokens.revoke.mutate({ id: created.id });
    const { tokens } = await admin.trpc.admin.tokens.list.query();
    expect(tokens.find((t) => t.id === adminToken.id)?.lastUsedAt).toBe(new Date(server.clock.ms).toISOString());
  });

  it("writes a token's last use at most once a minute", async () => {
    const script = withToken(adminToken.token);
    const lastUsed = async () =>
      (await admin.trpc.admin.tokens.list.query()).tokens.find((t) => t.id === adminToken.id)?.lastUsedAt;
    await script.admin.settings.get.query();
    const first = await lastUsed();
    server.clock.advance(30);
    await script.admin.settings.get.query();
    expect(await lastUsed()).toBe(first);
    server.clock.advance(31);
    await script.admin.settings.get.query();
    expect(await lastUsed()).toBe(new Date(server.clock.ms).toISOString());
  });

  it("refuses a revoked token and an expired one, by name, and lists them so", async () => {
    const doomed = await admin.trpc.admin.tokens.create.mutate({ name: "doomed", scope: "admin" });
    expect(await reasonOf(withToken(doomed.token).admin.settings.get.query())).toBe("ok");
    const revoked = await admin.trpc.admin.tokens.revoke.mutate({ id: doomed.id });
    expect(revoked).toMatchObject({ state: "revoked", revokedAt: new Date(server.clock.ms).toISOString() });
    const refused = await settle(withToken(doomed.token).admin.settings.get.query());
    expect(refused).toMatchObject({ ok: false, status: 401, error: { data: { reason: "API_TOKEN_REVOKED" } } });
    const audit = (await admin.trpc.admin.audit.list.query({ filter: { types: ["admin.token-revoke"] } })).rows;
    expect(audit[0]).toMatchObject({ actor: "admin:root" });

    const expiresAt = new Date(server.clock.ms + 3_600_000).toISOString();
    const brief = await admin.trpc.admin.tokens.create.mutate({ name: "brief", scope: "viewer", expiresAt });
    expect(await reasonOf(withToken(brief.token).admin.settings.get.query())).toBe("ok");
    server.clock.advance(3_600);
    expect(await reasonOf(withToken(brief.token).admin.settings.get.query())).toBe("API_TOKEN_EXPIRED");
    const states = (await admin.trpc.admin.tokens.list.query()).tokens.map((t) => [t.name, t.state]);
    expect(states).toEqual(
      expect.arrayContaining([
        ["doomed", "revoked"],
        ["brief", "expired"],
      ]),
    );
    const past = await settle(admin.trpc.admin.tokens.create.mutate({ name: "late", scope: "viewer", expiresAt }));
    expect(past).toMatchObject({ ok: false, status: 400, error: { data: { reason: "INVALID_INPUT" } } });
    expect(await reasonOf(admin.trpc.admin.tokens.revoke.mutate({ id: "tok_unknown" }))).toBe("NOT_FOUND");
  });

  it("never reaches an appliance call or the console's door", async () => {
    const asAppliance = server.api(adminToken.token);
    expect(await reasonOf(asAppliance.appliance.refresh.mutate({ inUse: 0 }))).toBe("BAD_TOKEN");
    expect(await reasonOf(asAppliance.appliance.request.mutate({ sessions: 50, requestId: "t1" }))).toBe("BAD_TOKEN");
    const state = await withToken(adminToken.token, { "x-sls-console": "1" }).auth.state.query();
    expect(state.account).toBeNull();
    const logout = await settle(withToken(adminToken.token, { "x-sls-console": "1" }).auth.logout.mutate());
    expect(logout.ok).toBe(true);
    expect(await reasonOf(withToken(adminToken.token).admin.settings.get.query())).toBe("ok");
  });

  it("keeps the browser's defences: a cookie alone still needs the console's header, a bearer is never mixed with the cookie", async () => {
    const cookie = admin.cookie!;
    // A form on another site sends the cookie, but not the header nor a token it does not have.
    const forged = await settle(
      admin
        .with({ withoutConsoleHeader: true })
        .trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 60 }),
    );
    expect(forged).toMatchObject({ ok: false, status: 403, error: { data: { reason: "CROSS_SITE_REQUEST" } } });
    // A token from another origin is refused before it is looked at.
    const foreign = await settle(
      withToken(adminToken.token, { origin: "https://evil.example" }).admin.settings.get.query(),
    );
    expect(foreign).toMatchObject({ ok: false, status: 403, error: { data: { reason: "CROSS_SITE_REQUEST" } } });
    const opaque = await reasonOf(withToken(adminToken.token, { origin: "null" }).admin.settings.get.query());
    expect(opaque).toBe("CROSS_SITE_REQUEST");
    // An administrator's cookie beside a viewer token: the call is the token's, not the cookie's.
    const mixed = withToken(viewerToken.token, { cookie, "x-sls-console": "1" });
    expect(await reasonOf(mixed.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 60 }))).toBe(
      "ADMIN_ONLY",
    );
    // A wrong token beside a good cookie is refused, not passed to the cookie.
    const wrong = withToken("sls_tok_wrongwrongwrongwrongwrongwrongwrongwrongwro", { cookie, "x-sls-console": "1" });
    expect(await reasonOf(wrong.admin.settings.get.query())).toBe("BAD_API_TOKEN");
    // A bearer call neither renews nor sets the session cookie.
    const response = await fetch(`${server.baseUrl}/api/trpc/admin.settings.get`, {
      headers: { authorization: `Bearer ${adminToken.token}`, cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await admin.trpc.admin.settings.get.query()).refreshIntervalSec).toBe(45);
  });

  it("is removed with the account that created it, and follows its creator's role", async () => {
    await admin.trpc.admin.accounts.create.mutate({ name: "deputy", password: ADMIN_PASSWORD, role: "admin" });
    const deputy = new ConsoleClient(server.baseUrl);
    await deputy.trpc.auth.login.mutate({ name: "deputy", password: ADMIN_PASSWORD });
    const own = await deputy.trpc.admin.tokens.create.mutate({ name: "deputy cron", scope: "admin" });
    const accountId = (await admin.trpc.admin.accounts.list.query()).accounts.find((a) => a.name === "deputy")!.id;
    await admin.trpc.admin.accounts.setRole.mutate({ id: accountId, role: "viewer" });
    const demoted = withToken(own.token);
    expect(await reasonOf(demoted.admin.settings.get.query())).toBe("ok");
    expect(await reasonOf(demoted.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 60 }))).toBe(
      "ADMIN_ONLY",
    );
    await admin.trpc.admin.accounts.remove.mutate({ id: accountId });
    expect(await reasonOf(demoted.admin.settings.get.query())).toBe("BAD_API_TOKEN");
  });

  it("counts unknown tokens like wrong passwords: an address that sent too many is refused, its sign-ins too", async () => {
    const services = server.running.services;
    services.loginFailures = new FailureLimiter({ ...LOGIN_POLICY, delayStepMs: 5, maxDelayMs: 20 }, services.now);
    const from = (address: string, token: string) => withToken(token, { "x-forwarded-for": address });
    for (let i = 0; i < LOGIN_POLICY.refuseAfter; i++) {
      expect(await reasonOf(from("192.0.2.10", `sls_tok_guess${i}`).admin.settings.get.query())).toBe("BAD_API_TOKEN");
    }
    const refused = await settle(from("192.0.2.10", adminToken.token).admin.settings.get.query());
    expect(refused).toMatchObject({ ok: false, status: 429, error: { data: { reason: "LOGIN_RATE_LIMITED" } } });
    const signIn = new ConsoleClient(server.baseUrl);
    const login = createApiClient(server.baseUrl, {
      fetch,
      headers: { "x-sls-console": "1", "x-forwarded-for": "192.0.2.10" },
    });
    expect(await reasonOf(login.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD }))).toBe(
      "LOGIN_RATE_LIMITED",
    );
    expect(signIn.cookie).toBeNull();
    // Another address is not held back by these failures, and a right token never counts.
    expect(await reasonOf(from("192.0.2.11", adminToken.token).admin.settings.get.query())).toBe("ok");
  });
});
