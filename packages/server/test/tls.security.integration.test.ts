// Raw HTTP(S) on purpose: these tests pin what travels (certificates, cookies' Secure flag,
// the Host header), below any tRPC client.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDatabase,
  registration,
  startTestServer,
  type FreshDatabase,
  type TestServer,
} from "./kit/test-server.ts";
import { readSetupCode } from "./kit/console-client.ts";
import { createAppServer, createLicenseServer, listenerOptionsFrom } from "../src/http/app-server.ts";
import { loadEnv } from "../src/env.ts";
import { rawRequest } from "./kit/raw-http.ts";
import { makeTestCertificate, type TestCertificate } from "./kit/tls-certificate.ts";

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("HTTPS with SLS_TLS_CERT / SLS_TLS_KEY", () => {
  let db: FreshDatabase;
  let plain: TestServer;
  let certificate: TestCertificate;
  let web: Server;
  let license: Server;
  let webUrl: string;
  let licenseUrl: string;

  beforeAll(async () => {
    certificate = makeTestCertificate();
    db = await freshDatabase("sqlite", "tls");
    // The services of a test server, served again on two HTTPS listeners built from the environment.
    plain = await startTestServer(db.url);
    const options = listenerOptionsFrom(
      loadEnv({ SLS_TLS_CERT: certificate.certFile, SLS_TLS_KEY: certificate.keyFile }),
    );
    web = createAppServer(plain.running.services, undefined, options);
    license = createLicenseServer(plain.running.services, options);
    webUrl = `https://127.0.0.1:${await listen(web)}`;
    licenseUrl = `https://localhost:${await listen(license)}`;
  });
  afterAll(async () => {
    await Promise.all([web, license].map((server) => server && new Promise((resolve) => server.close(resolve))));
    await plain?.close();
    await db?.drop();
  });

  it("refuses to start with only one of the two files, or with a file it cannot read, naming it", () => {
    expect(() => loadEnv({ SLS_TLS_CERT: certificate.certFile })).toThrow(/SLS_TLS_KEY: required with SLS_TLS_CERT/);
    expect(() =>
      listenerOptionsFrom({
        SLS_TLS_CERT: "/nonexistent/cert.pem",
        SLS_TLS_KEY: certificate.keyFile,
        SLS_ALLOWED_HOSTS: undefined,
      }),
    ).toThrow(/SLS_TLS_CERT: cannot read \/nonexistent\/cert\.pem/);
  });

  it("serves the appliance API over TLS on both ports, to a client that trusts the certificate", async () => {
    for (const [url, serial] of [
      [webUrl, "TLSWEB01"],
      [licenseUrl, "TLSLIC01"],
    ] as const) {
      const answer = await rawRequest(`${url}/api/trpc/appliance.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(registration(serial)),
        ca: certificate.cert,
      });
      expect(answer.status, url).toBe(200);
      expect(answer.headers["strict-transport-security"], url).toBe("max-age=31536000");
    }
  });

  it("is refused by a client that does not trust the certificate, and does not answer plain HTTP", async () => {
    await expect(rawRequest(`${webUrl}/api/health`)).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(rawRequest(`${webUrl.replace("https:", "http:")}/api/health`)).rejects.toThrow();
  });

  it("sets the session cookie as Secure __Host-, sends HSTS, and reads the cookie back only under that name", async () => {
    const headers = { "content-type": "application/json", "x-sls-console": "1" };
    const setup = await rawRequest(`${webUrl}/api/trpc/auth.setup`, {
      method: "POST",
      headers,
      body: JSON.stringify({ setupCode: readSetupCode(plain), name: "root", password: "correct horse battery staple" }),
      ca: certificate.cert,
    });
    expect(setup.status).toBe(200);
    expect(setup.headers["strict-transport-security"]).toBe("max-age=31536000");
    const [cookie] = setup.headers["set-cookie"] ?? [];
    expect(cookie).toMatch(
      /^__Host-sls_session=sls_[0-9a-z]+_[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/,
    );
    const pair = cookie!.split(";")[0]!;
    const signedIn = await rawRequest(`${webUrl}/api/trpc/admin.settings.get`, {
      headers: { ...headers, cookie: pair },
      ca: certificate.cert,
    });
    expect(signedIn.status).toBe(200);
    // The same token under the plain name (as a plain-HTTP page could plant it) is not a session.
    const planted = await rawRequest(`${webUrl}/api/trpc/admin.settings.get`, {
      headers: { ...headers, cookie: pair.replace("__Host-sls_session", "sls_session") },
      ca: certificate.cert,
    });
    expect(planted.status).toBe(401);
  });
});
