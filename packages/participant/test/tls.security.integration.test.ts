import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServer, createLogger, loadEnv, startServices, type Running } from "@sls/server";
import { makeTestCertificate, type TestCertificate } from "@sls/server/testing";
import { UnreachableError } from "../src/errors.ts";
import { Participant } from "../src/participant.ts";
import { fetchTransport } from "../src/transport.ts";
import { eventually } from "@sls/server/testing";
import { freshSqliteUrl, SECRET } from "./kit/server-process.ts";

describe("the participant client against a server with its own TLS certificate", () => {
  let certificate: TestCertificate;
  let running: Running;
  let server: Server;
  let serverUrl: string;

  beforeAll(async () => {
    certificate = makeTestCertificate();
    const env = loadEnv({
      DATABASE_URL: freshSqliteUrl(),
      SLS_POOL_SIZE: "500",
      SLS_SHARED_SECRET: SECRET,
      SLS_LOG_LEVEL: "error",
    });
    running = await startServices(env, createLogger(env.SLS_LOG_LEVEL));
    server = createAppServer(running.services, undefined, { tls: { cert: certificate.cert, key: certificate.key } });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await running?.stop();
  });

  it("registers, is granted and releases over HTTPS when given the certificate as its CA", async () => {
    const participant = new Participant({
      serverUrl,
      ca: certificate.cert,
      secret: SECRET,
      serial: "TLS-PARTICIPANT-1",
      hostname: "tls-1.example.net",
      model: "ASA5555-X",
      platformLimit: 1000,
      localLimit: 100,
      retryDelayMs: 100,
    });
    await participant.start();
    // 100 sessions of local licence: a load of 120 needs one block of 50 from the pool.
    participant.setLoad(120);
    await eventually(() => expect(participant.state.granted).toBe(50));
    await participant.stop({ release: true });
    expect(participant.state.granted).toBe(0);
  });

  it("finds the server unreachable without the CA: the certificate is not trusted", async () => {
    const refused = fetchTransport.call(serverUrl, "register", {
      secret: SECRET,
      serial: "TLS-PARTICIPANT-2",
      hostname: "tls-2.example.net",
      model: "ASA5555-X",
      platformLimit: 1000,
      localLimit: 100,
    });
    await expect(refused).rejects.toBeInstanceOf(UnreachableError);
    await expect(refused).rejects.toThrow(/SELF_SIGNED|certificate/i);
  });
});
