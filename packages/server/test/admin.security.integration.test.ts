import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FailureLimiter } from "../src/auth/rate-limit.ts";
import { appRouter } from "../src/root.ts";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin, signedInViewer } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  settle,
} from "./kit/test-server.ts";

type Kind = "query" | "mutation";

/** Every admin.* procedure with its kind, read from the router itself. */
function adminProcedures(): Array<{ path: string; kind: Kind }> {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: Kind } }>;
  return Object.entries(procedures)
    .filter(([path]) => path.startsWith("admin."))
    .map(([path, procedure]) => ({ path, kind: procedure._def.type }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const SERIAL = "SECTEST01";

/**
 * A valid input for each procedure, so a refusal is the access check's and not the input's.
 * The test fails when a procedure is added without an entry here.
 */
const VALID_INPUT: Record<string, unknown> = {
  "admin.overview.get": undefined,
  "admin.overview.usage": { range: "hour" },
  "admin.participants.list": { page: 1, pageSize: 50 },
  "admin.participants.get": { serial: SERIAL },
  "admin.participants.history": { serial: SERIAL, range: "day" },
  "admin.participants.approve": { serial: SERIAL },
  "admin.participants.forceRelease": { serial: SERIAL },
  "admin.participants.remove": { serial: SERIAL },
  "admin.audit.types": undefined,
  "admin.audit.list": { filter: {}, page: 1 },
  "admin.audit.export": { filter: {} },
  "admin.settings.get": undefined,
  "admin.settings.setSecret": { secret: "another-secret-value" },
  "admin.settings.setRefreshInterval": { refreshIntervalSec: 60 },
  "admin.settings.setPoolSize": { poolSize: 1000 },
  "admin.settings.setBackup": { backup: { address: "backup.example.net:3000", serial: "BACKUP01", peerSerial: null } },
  "admin.settings.setOperation": { enabled: false, approvalRequired: true, alertThresholdPct: 80 },
  "admin.accounts.list": undefined,
  "admin.accounts.create": { name: "intruder", password: "intruder password", role: "admin" },
  "admin.accounts.setRole": { id: "acc_unknown", role: "admin" },
  "admin.accounts.resetPassword": { id: "acc_unknown", password: "a brand new password" },
  "admin.accounts.setBreakGlass": { id: "acc_unknown", breakGlass: true },
  "admin.accounts.remove": { id: "acc_unknown" },
  "admin.sso.get": undefined,
  "admin.alerts.config": undefined,
  "admin.alerts.list": undefined,
  "admin.alerts.setConfig": { pendingAfterMinutes: 10, webhook: null, syslog: null, email: null },
  "admin.alerts.sendTest": { channel: "syslog" },
  "admin.capacity.report": { days: 30 },
  "admin.capacity.export": { days: 7 },
  "admin.capacity.forecast": undefined,
  "admin.outages.list": undefined,
  // No backup served in this test, so no report: the viewer is let through to a not-found answer.
  "admin.outages.get": { id: "out_none" },
  "admin.outages.export": { id: "out_none" },
  "admin.policy.get": undefined,
  "admin.policy.history": undefined,
  "admin.policy.preview": { groups: [], poolPaused: false, caps: {} },
  "admin.policy.save": { groups: [], poolPaused: false, caps: {} },
  "admin.policy.rollback": { version: 1 },
  "admin.tokens.list": undefined,
  "admin.tokens.create": { name: "intruder", scope: "admin" },
  "admin.tokens.revoke": { id: "tok_unknown" },
};

function call(client: ConsoleClient, { path, kind }: { path: string; kind: Kind }) {
  return settle(
    kind === "query" ? client.byPath.query(path, VALID_INPUT[path]) : client.byPath.mutation(path, VALID_INPUT[path]),
  );
}

describe.each(providers())("admin console access control on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let viewer: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "admin_security");
    server = await startTestServer(db.url);
    const token = await registerOk(server, SERIAL);
    await server.api(token).appliance.request.mutate({ sessions: 200, requestId: "r1" });
    admin = await setUpAdmin(server);
    viewer = await signedInViewer(server, admin);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("lists an example input for every admin procedure, and nothing else", () => {
    expect(Object.keys(VALID_INPUT).sort()).toEqual(adminProcedures().map((p) => p.path));
    expect(adminProcedures().length).toBeGreaterThan(15);
  });

  it("refuses every admin procedure to an anonymous caller", async () => {
    const anonymous = ConsoleClient.for(server);
    for (const procedure of adminProcedures()) {
      const result = await call(anonymous, procedure);
      expect(result, procedure.path).toMatchObject({
        ok: false,
        status: 401,
        error: { data: { code: "UNAUTHORIZED", reason: "NOT_SIGNED_IN" } },
      });
    }
  });

  it("refuses every admin procedure to a forged or expired session cookie", async () => {
    const forged = ConsoleClient.for(server);
    forged.cookie = "sls_session=sls_forgedforgedforgedforgedforgedforgedforged";
    for (const procedure of adminProcedures()) {
      expect((await call(forged, procedure)).ok, procedure.path).toBe(false);
    }
  });

  it("refuses every admin mutation to a viewer, and changes nothing", async () => {
    const before = await admin.trpc.admin.settings.get.query();
    const mutations = adminProcedures().filter((p) => p.kind === "mutation");
    expect(mutations.length).toBeGreaterThan(8);
    for (const procedure of mutations) {
      const result = await call(viewer, procedure);
      expect(result, procedure.path).toMatchObject({
        ok: false,
        status: 403,
        error: { data: { code: "FORBIDDEN", reason: "ADMIN_ONLY" } },
      });
    }
    expect(await admin.trpc.admin.settings.get.query()).toEqual(before);
    const detail = await admin.trpc.admin.participants.get.query({
      serial: SERIAL,
    });
    expect(detail.participant.granted).toBe(200);
    const accounts = await admin.trpc.admin.accounts.list.query();
    expect(accounts.accounts.map((a) => a.name)).toEqual(["root", "watcher"]);
  });

  it("lets a viewer read everything but the accounts", async () => {
    for (const procedure of adminProcedures().filter((p) => p.kind === "query")) {
      const result = await call(viewer, procedure);
      if (procedure.path === "admin.accounts.list" || procedure.path === "admin.tokens.list") {
        expect(result, procedure.path).toMatchObject({ ok: false, status: 403 });
      } else if (procedure.path.startsWith("admin.outages.") && procedure.path !== "admin.outages.list") {
        expect(result, procedure.path).toMatchObject({
          ok: false,
          status: 404,
          error: { data: { code: "NOT_FOUND" } },
        });
      } else {
        expect(result.ok, `${procedure.path}: ${JSON.stringify(result)}`).toBe(true);
      }
    }
  });

  it("refuses mutations without the console header, and any call from another origin", async () => {
    const noHeader = await settle(
      admin
        .with({ withoutConsoleHeader: true })
        .trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 45 }),
    );
    expect(noHeader).toMatchObject({ ok: false, status: 403, error: { data: { reason: "CROSS_SITE_REQUEST" } } });
    const foreign = await settle(
      admin
        .with({ origin: "https://evil.example" })
        .trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 45 }),
    );
    expect(foreign).toMatchObject({ ok: false, status: 403, error: { data: { reason: "CROSS_SITE_REQUEST" } } });
    const foreignRead = await settle(admin.with({ origin: "https://evil.example" }).trpc.admin.settings.get.query());
    expect(foreignRead).toMatchObject({ ok: false, status: 403 });
    const foreignLogin = await settle(
      ConsoleClient.for(server)
        .with({ withoutConsoleHeader: true })
        .trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD }),
    );
    expect(foreignLogin).toMatchObject({ ok: false, status: 403 });
    const sameOrigin = await settle(
      admin.with({ origin: server.baseUrl }).trpc.admin.settings.setRefreshInterval.mutate({ refreshIntervalSec: 45 }),
    );
    expect(sameOrigin.ok).toBe(true);
  });

  it("sets the session cookie HttpOnly, SameSite=Strict, with an expiry, and stores only its hash", async () => {
    const client = ConsoleClient.for(server);
    await client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    const [header] = client.lastSetCookie;
    expect(header).toMatch(/^sls_session=sls_[0-9a-z]+_[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const token = client.cookie!.slice("sls_session=".length);
    expect(await server.running.services.store.accounts.findSession(token)).toBeNull();
  });

  it("refuses a second setup", async () => {
    const result = await settle(
      ConsoleClient.for(server).trpc.auth.setup.mutate({
        setupCode: "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
        name: "mallory",
        password: "mallory's password",
      }),
    );
    expect(result).toMatchObject({ ok: false, status: 403, error: { data: { reason: "SETUP_DONE" } } });
  });

  it("signs out: the cookie is cleared and the old session no longer works", async () => {
    const client = ConsoleClient.for(server);
    await client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    const stolen = client.cookie;
    await client.trpc.auth.logout.mutate();
    expect(client.lastSetCookie[0]).toMatch(/^sls_session=; .*Max-Age=0/);
    const replay = ConsoleClient.for(server);
    replay.cookie = stolen;
    expect(await settle(replay.trpc.admin.overview.get.query())).toMatchObject({ ok: false, status: 401 });
  });

  it("slows and then refuses repeated wrong passwords", async () => {
    const services = server.running.services;
    const original = services.loginFailures;
    services.loginFailures = new FailureLimiter(
      { slowAfter: 2, refuseAfter: 4, windowMs: 60_000, delayStepMs: 200 },
      services.now,
    );
    try {
      const client = ConsoleClient.for(server);
      const attempt = () => settle(client.trpc.auth.login.mutate({ name: "root", password: "wrong password!" }));
      for (let i = 0; i < 2; i += 1)
        expect(await attempt()).toMatchObject({
          ok: false,
          status: 401,
          error: { data: { reason: "BAD_CREDENTIALS" } },
        });
      // Two failures are the allowance: the third is checked at once, the fourth waits one step
      // (200 ms) before its check. (Timing the third measured scrypt's own quarter second.)
      expect(await attempt()).toMatchObject({ ok: false, status: 401 });
      const started = performance.now();
      expect(await attempt()).toMatchObject({ ok: false, status: 401 });
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
      expect(await attempt()).toMatchObject({
        ok: false,
        status: 429,
        error: { data: { reason: "LOGIN_RATE_LIMITED" } },
      });
      // Refused even with the right password until the window has passed.
      expect(await settle(client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD }))).toMatchObject({
        ok: false,
        status: 429,
      });
    } finally {
      services.loginFailures = original;
    }
  });

  it("answers a wrong name like a wrong password", async () => {
    const result = await settle(
      ConsoleClient.for(server).trpc.auth.login.mutate({
        name: "nobody",
        password: "whatever password",
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      error: { message: "Wrong account name or password.", data: { reason: "BAD_CREDENTIALS" } },
    });
  });

  it("keeps the appliance API free of the console's checks", async () => {
    expect(
      await settle(
        server.api().appliance.register.mutate({
          secret: "integration-secret-1",
          serial: "SECTEST02",
          hostname: "h",
          model: "m",
          platformLimit: 100,
          localLimit: 0,
        }),
      ),
    ).toMatchObject({ ok: true });
  });
});
