import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  settle,
  waitFor,
} from "./kit/test-server.ts";
import { hashSessionToken, newSessionToken, sessionIssuedAt } from "../src/auth/session-token.ts";
import { SESSION_MAX_LIFETIME_MS, SESSION_TTL_MS } from "../src/services/admin/sessions.ts";

const HOUR_SEC = 3600;

describe("session tokens", () => {
  it("carry their issue time, bound by the hash stored for them", () => {
    const { token, hash } = newSessionToken(Date.UTC(2026, 10, 27, 12));
    expect(sessionIssuedAt(token)).toBe(Date.UTC(2026, 10, 27, 12));
    expect(hashSessionToken(token)).toBe(hash);
    expect(sessionIssuedAt("sls_forgedforgedforgedforgedforgedforgedforged")).toBeNull();
  });

  it("last 12 h at most, beyond the 8 h idle timeout", () => {
    expect(SESSION_TTL_MS).toBe(8 * 3600_000);
    expect(SESSION_MAX_LIFETIME_MS).toBe(12 * 3600_000);
  });
});

describe.each(providers())("console sessions on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "console_session");
    server = await startTestServer(db.url);
    await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("ends 12 h after sign-in however busy the tab, renewing the cookie only up to that end", async () => {
    const client = ConsoleClient.for(server);
    await client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    // An open overview polls all day: the idle timeout alone would never end this session.
    for (let hour = 1; hour <= 11; hour++) {
      server.clock.advance(HOUR_SEC);
      const poll = await settle(client.trpc.admin.overview.get.query());
      expect(poll.ok, `hour ${hour}`).toBe(true);
      for (const header of client.lastSetCookie) {
        const maxAge = Number(/Max-Age=(\d+)/.exec(header)?.[1]);
        expect(maxAge, `cookie renewed at hour ${hour}`).toBeLessThanOrEqual((12 - hour) * HOUR_SEC);
      }
    }
    server.clock.advance(HOUR_SEC);
    const expired = await settle(client.trpc.admin.overview.get.query());
    expect(expired).toMatchObject({ ok: false, status: 401, error: { data: { reason: "NOT_SIGNED_IN" } } });
    expect(client.lastSetCookie[0]).toMatch(/^sls_session=; .*Max-Age=0/);
  });

  it("still ends after 8 h without a call", async () => {
    const client = ConsoleClient.for(server);
    await client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    server.clock.advance(8 * HOUR_SEC + 1);
    expect(await settle(client.trpc.admin.overview.get.query())).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses a token whose issue time was edited", async () => {
    const client = ConsoleClient.for(server);
    await client.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    const token = client.cookie!.slice("sls_session=".length);
    const later = (Number.parseInt(token.split("_")[1]!, 36) + 6 * 3600_000).toString(36);
    client.cookie = `sls_session=${token.replace(/^sls_[0-9a-z]+_/, `sls_${later}_`)}`;
    expect(await settle(client.trpc.admin.overview.get.query())).toMatchObject({ ok: false, status: 401 });
  });

  it("keeps no session of a sign-in with the old password once a reset has committed", async () => {
    const admin = ConsoleClient.for(server);
    await admin.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
    const old = { name: "racer", password: "old password of racer" };
    const { id } = await admin.trpc.admin.accounts.create.mutate({ ...old, role: "viewer" });
    // Sign-ins with the old password, back to back on three lanes (the server checks four
    // passwords at once; the reset's hash takes the fourth): each reads the verifier, spends its
    // scrypt time, then creates its session. When the reset commits, the lanes are mid-check.
    const signIns: Array<{ client: ConsoleClient; ok: boolean }> = [];
    let resetAnswered = false;
    const lanes = Array.from({ length: 3 }, async () => {
      while (!resetAnswered) {
        const client = ConsoleClient.for(server);
        signIns.push({ client, ok: (await settle(client.trpc.auth.login.mutate(old))).ok });
      }
    });
    try {
      // Out of step with one another before the reset starts.
      await waitFor(async () => signIns.length >= 5, { what: "sign-ins under way" });
      await admin.trpc.admin.accounts.resetPassword.mutate({ id, password: "new password of racer" });
    } finally {
      resetAnswered = true;
      await Promise.all(lanes);
    }

    const survivors: number[] = [];
    for (const [index, { client, ok }] of signIns.entries()) {
      if (ok && (await client.trpc.auth.state.query()).account) survivors.push(index);
    }
    expect(survivors, `of ${signIns.length} sign-ins with the old password`).toEqual([]);
    const fresh = ConsoleClient.for(server);
    await fresh.trpc.auth.login.mutate({ name: old.name, password: "new password of racer" });
    expect((await fresh.trpc.auth.state.query()).account?.name).toBe(old.name);
  });
});
