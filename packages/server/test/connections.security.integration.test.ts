// Raw sockets on purpose: these tests hold connections open without a request, bind their own
// loopback address (127.0.0.x stand for separate hosts) and watch the server close them.
import { rmSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/env.ts";
import { createAppServer, LISTENER_LIMITS, listenerOptionsFrom } from "../src/http/app-server.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "../src/http/connection-limits.ts";
import { freshDatabase, startTestServer, type FreshDatabase, type TestServer } from "./kit/test-server.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";
import { makeTestCertificate, type TestCertificate } from "./kit/tls-certificate.ts";

/** A TCP connection from `localAddress`, resolved once established. */
function open(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** What the server answered to `GET /api/health` on this socket: the status line, or "closed". */
function healthOn(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\r\n")) resolve(text.slice(0, text.indexOf("\r\n")));
    });
    socket.once("close", () => resolve(text === "" ? "closed" : text));
    socket.on("error", () => undefined);
    socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  });
}

/** How long the server takes to close a socket the client leaves silent (ms). */
function closedAfter(socket: Socket): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(performance.now() - started));
  });
}

/** Small enough to open quickly, well within the time a silent connection is kept. */
const CAP = 100;

describe("connections per address", () => {
  let db: FreshDatabase;
  let server: ServerProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "connections");
    server = await startServerProcess({ DATABASE_URL: db.url, SLS_MAX_CONNECTIONS_PER_ADDRESS: String(CAP) });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stop();
    await db?.drop();
  });

  it("defaults to 1,000 and takes SLS_MAX_CONNECTIONS_PER_ADDRESS", () => {
    expect(loadEnv({}).SLS_MAX_CONNECTIONS_PER_ADDRESS).toBe(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    expect(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS).toBe(1_000);
    expect(loadEnv({ SLS_MAX_CONNECTIONS_PER_ADDRESS: "5000" }).SLS_MAX_CONNECTIONS_PER_ADDRESS).toBe(5_000);
    expect(() => loadEnv({ SLS_MAX_CONNECTIONS_PER_ADDRESS: "0" })).toThrow(/SLS_MAX_CONNECTIONS_PER_ADDRESS/);
  });

  it("closes one address's connections beyond the cap at once, while that address's open ones and another address are served", async () => {
    for (let i = 0; i < CAP; i++) sockets.push(await open(server.port, "127.0.0.2"));
    const beyond = await open(server.port, "127.0.0.2");
    sockets.push(beyond);
    expect(await healthOn(beyond)).toBe("closed");

    const other = await open(server.port, "127.0.0.3");
    sockets.push(other);
    expect(await healthOn(other)).toBe("HTTP/1.1 200 OK");
    expect(await healthOn(sockets[CAP - 1]!)).toBe("HTTP/1.1 200 OK");
  }, 60_000);
});

describe("slow and idle clients", () => {
  let db: FreshDatabase;
  let plain: TestServer;
  let certificate: TestCertificate;
  let tls: Server;
  let tlsPort: number;

  beforeAll(async () => {
    certificate = makeTestCertificate();
    db = await freshDatabase("sqlite", "idle_clients");
    plain = await startTestServer(db.url);
    tls = createAppServer(
      plain.running.services,
      undefined,
      listenerOptionsFrom(loadEnv({ SLS_TLS_CERT: certificate.certFile, SLS_TLS_KEY: certificate.keyFile })),
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    tlsPort = (tls.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => tls?.close(resolve));
    await plain?.close();
    await db?.drop();
    if (certificate) rmSync(path.dirname(certificate.certFile), { recursive: true, force: true });
  });

  it("closes a TLS handshake that never starts, and a plain connection that never sends a request, after their timeouts", async () => {
    const handshake = await open(tlsPort, "127.0.0.4");
    const silent = await open(Number(new URL(plain.baseUrl).port), "127.0.0.4");
    const [handshakeMs, silentMs] = await Promise.all([closedAfter(handshake), closedAfter(silent)]);
    console.log(
      `idle TLS handshake closed after ${handshakeMs.toFixed(0)} ms, silent plain connection after ${silentMs.toFixed(0)} ms`,
    );
    const slack = 2 * LISTENER_LIMITS.checkIntervalMs + 3_000;
    expect(handshakeMs).toBeGreaterThanOrEqual(LISTENER_LIMITS.handshakeTimeoutMs - 100);
    expect(handshakeMs).toBeLessThan(LISTENER_LIMITS.handshakeTimeoutMs + slack);
    expect(silentMs).toBeLessThan(LISTENER_LIMITS.headersTimeoutMs + slack);
  }, 40_000);
});
