// Raw HTTP on purpose: these tests send Host and Origin headers of their choosing (DNS rebinding),
// which fetch and the typed clients do not let a caller set.
import { Agent, request as httpRequest } from "node:http";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  registration,
  startTestServer,
  type FreshDatabase,
  type TestServer,
} from "./kit/test-server.ts";
import { AllowedHosts, defaultHostNames } from "../src/http/allowed-hosts.ts";
import { createAppServer, isConsoleRoute, LISTENER_LIMITS } from "../src/http/app-server.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import { SIGN_IN } from "./kit/clients.ts";
import { rawRequest } from "./kit/raw-http.ts";

const CONSOLE = { "x-sls-console": "1", "content-type": "application/json" };

describe("allowed host names (DNS rebinding)", () => {
  it("allow loopback, this machine's names and its interface addresses by default, with or without a port", () => {
    const hosts = AllowedHosts.from(undefined);
    for (const host of [
      "localhost:3000",
      "127.0.0.1:3000",
      "[::1]:3000",
      "LOCALHOST",
      os.hostname(),
      `${os.hostname()}:3000`,
    ]) {
      expect(hosts.allows(host), host).toBe(true);
    }
    const addresses = Object.values(os.networkInterfaces()).flatMap((list) =>
      (list ?? []).map((entry) => entry.address),
    );
    for (const address of addresses)
      expect(hosts.allows(address.includes(":") ? `[${address}]:3000` : `${address}:3000`), address).toBe(true);
    expect(defaultHostNames()).toEqual(expect.arrayContaining(addresses));
    for (const host of ["evil.example", "evil.example:3000", "127.0.0.1.evil.example", "localhost.evil.example", ""]) {
      expect(hosts.allows(host), host).toBe(false);
    }
  });

  it("take SLS_ALLOWED_HOSTS instead of the defaults", () => {
    const hosts = AllowedHosts.from("licensing.example.net, 10.0.0.5");
    expect(hosts.allows("licensing.example.net:443")).toBe(true);
    expect(hosts.allows("Licensing.Example.Net.")).toBe(true);
    expect(hosts.allows("10.0.0.5:3000")).toBe(true);
    expect(hosts.allows("localhost:3000")).toBe(false);
  });

  it("restrict the console's routes only: pages, auth.*, admin.*, and any batch that holds one", () => {
    for (const url of [
      "/",
      "/setup",
      "/_next/static/x.js",
      "/api/trpc/auth.setup",
      "/api/trpc/admin.settings.get",
      "/api/trpc/appliance.register,auth.login?batch=1",
      "/api/trpc/appliance.register%2Cauth.login?batch=1",
    ]) {
      expect(isConsoleRoute(url), url).toBe(true);
    }
    for (const url of [
      "/api/trpc/appliance.register",
      "/api/trpc/appliance.refresh",
      "/api/trpc/backup.sync",
      "/api/trpc/appliance.request,appliance.refresh?batch=1",
    ]) {
      expect(isConsoleRoute(url), url).toBe(false);
    }
  });
});

describe("the web port on sqlite", () => {
  let db: FreshDatabase;
  let server: TestServer;
  let port: string;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "console_hosts");
    server = await startTestServer(db.url);
    port = new URL(server.baseUrl).port;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("refuses console calls addressed to a foreign host name with 421, naming SLS_ALLOWED_HOSTS, and sets nothing up", async () => {
    // A DNS-rebinding page: the browser sends the attacker's name as Host and as Origin, which agree.
    const rebinding = { ...CONSOLE, host: `evil.example:${port}`, origin: `http://evil.example:${port}` };
    const state = await rawRequest(`${server.baseUrl}/api/trpc/auth.state`, { headers: rebinding });
    expect(state.status).toBe(421);
    expect(JSON.parse(state.body)).toMatchObject({ error: { data: { reason: "HOST_NOT_ALLOWED", httpStatus: 421 } } });
    expect(state.body).toContain("SLS_ALLOWED_HOSTS");
    const setup = await rawRequest(`${server.baseUrl}/api/trpc/auth.setup`, {
      method: "POST",
      headers: rebinding,
      body: JSON.stringify({ setupCode: "guess", name: "mallory", password: "mallory password 1" }),
    });
    expect(setup.status).toBe(421);
    const admin = await rawRequest(`${server.baseUrl}/api/trpc/admin.settings.get`, { headers: rebinding });
    expect(admin.status).toBe(421);
    const batch = await rawRequest(`${server.baseUrl}/api/trpc/appliance.register,auth.state?batch=1`, {
      headers: rebinding,
    });
    expect(batch.status).toBe(421);
    const page = await rawRequest(`${server.baseUrl}/setup`, { headers: { host: `evil.example:${port}` } });
    expect(page.status).toBe(421);
    expect(page.body).toContain("SLS_ALLOWED_HOSTS");
    expect(await server.running.services.store.accounts.count()).toBe(0);
  });

  it("ignores X-Forwarded-Host from a client that is not a trusted proxy: it neither passes nor fails the check", async () => {
    const answer = await rawRequest(`${server.baseUrl}/api/trpc/auth.state`, {
      headers: { host: `127.0.0.1:${port}`, "x-forwarded-host": "evil.example" },
    });
    expect(answer.status).toBe(200);
    const foreign = await rawRequest(`${server.baseUrl}/api/trpc/auth.state`, {
      headers: { host: `evil.example:${port}`, "x-forwarded-host": `127.0.0.1:${port}` },
    });
    expect(foreign.status).toBe(421);
  });

  it("answers the console under an allowed name", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const answer = await rawRequest(`${server.baseUrl}/api/trpc/auth.state`, { headers: { host } });
      expect(answer.status, host).toBe(200);
    }
  });

  it("serves appliance calls whatever the Host", async () => {
    const answer = await rawRequest(`${server.baseUrl}/api/trpc/appliance.register`, {
      method: "POST",
      headers: { host: "licensing.anything.example", "content-type": "application/json" },
      body: JSON.stringify(registration("HOSTTEST01")),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ result: { data: { token: expect.any(String) } } });
  });

  it("sends nosniff, a same-origin referrer policy, no framing, and an API policy that allows nothing; no HSTS without TLS", async () => {
    for (const path of ["/api/health", "/api/trpc/auth.state"]) {
      const answer = await rawRequest(`${server.baseUrl}${path}`);
      expect(answer.headers["x-content-type-options"], path).toBe("nosniff");
      expect(answer.headers["referrer-policy"], path).toBe("same-origin");
      expect(answer.headers["x-frame-options"], path).toBe("DENY");
      expect(answer.headers["content-security-policy"], path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers["strict-transport-security"], path).toBeUndefined();
    }
  });

  it("keeps an appliance's connection open between calls (keep-alive) under those limits", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets: unknown[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(`${server.baseUrl}/api/health`, { agent }, (res) => {
            sockets.push(req.socket);
            res.resume();
            res.on("end", resolve);
          });
          req.on("error", reject);
          req.end();
        });
      }
    } finally {
      agent.destroy();
    }
    expect(new Set(sockets).size).toBe(1);
  });

  it("bounds every listener: header and request timeouts, keep-alive shorter than the header timeout, a connection cap", () => {
    const listener = createAppServer(server.running.services);
    expect(listener.headersTimeout).toBe(LISTENER_LIMITS.headersTimeoutMs);
    expect(listener.requestTimeout).toBe(LISTENER_LIMITS.requestTimeoutMs);
    expect(listener.keepAliveTimeout).toBe(LISTENER_LIMITS.keepAliveTimeoutMs);
    expect(listener.keepAliveTimeout).toBeLessThan(listener.headersTimeout);
    expect(listener.maxConnections).toBe(LISTENER_LIMITS.maxConnections);
  });
});

/** Signs in over raw HTTP with extra headers and returns the answer (its Set-Cookie is the point). */
function signIn(baseUrl: string, headers: Record<string, string>) {
  return rawRequest(`${baseUrl}/api/trpc/auth.login`, {
    method: "POST",
    headers: { ...CONSOLE, ...headers },
    body: JSON.stringify(SIGN_IN.admin),
  });
}

describe.each<{ trusted: boolean; env: Record<string, string> }>([
  { trusted: false, env: {} },
  { trusted: true, env: { SLS_TRUST_PROXY: "127.0.0.1" } },
])("X-Forwarded-Proto and X-Forwarded-Host, SLS_TRUST_PROXY naming the client: $trusted", ({ trusted, env }) => {
  let db: FreshDatabase;
  let server: TestServer;
  let port: string;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "forwarded_headers");
    server = await startTestServer(db.url, env);
    port = new URL(server.baseUrl).port;
    await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it(`${trusted ? "makes" : "does not make"} the session cookie Secure for X-Forwarded-Proto: https`, async () => {
    const answer = await signIn(server.baseUrl, { host: `127.0.0.1:${port}`, "x-forwarded-proto": "https" });
    expect(answer.status).toBe(200);
    const cookie = String(answer.headers["set-cookie"]);
    if (trusted) {
      expect(cookie).toMatch(/^__Host-sls_session=/);
      expect(cookie).toMatch(/; Secure/);
    } else {
      expect(cookie).toMatch(/^sls_session=/);
      expect(cookie).not.toMatch(/Secure/);
    }
  });

  it(`${trusted ? "takes" : "ignores"} X-Forwarded-Host as the host the browser's Origin must match`, async () => {
    // The browser addressed localhost (an allowed name) through the proxy, which reached us as 127.0.0.1.
    const answer = await signIn(server.baseUrl, {
      host: `127.0.0.1:${port}`,
      origin: `http://localhost:${port}`,
      "x-forwarded-host": `localhost:${port}`,
    });
    if (trusted) expect(answer.status).toBe(200);
    else {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { data: { reason: "CROSS_SITE_REQUEST" } } });
    }
  });

  it(`${trusted ? "refuses" : "ignores"} a foreign X-Forwarded-Host behind an allowed Host`, async () => {
    const answer = await rawRequest(`${server.baseUrl}/api/trpc/auth.state`, {
      headers: { host: `127.0.0.1:${port}`, "x-forwarded-host": "evil.example" },
    });
    expect(answer.status).toBe(trusted ? 421 : 200);
  });
});
