import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestCertificate } from "../../test/kit/tls-certificate.ts";
import { arrivalOf, stampArrivals } from "./arrival.ts";

/**
 * Which moment each request is stamped with, told by order alone (no durations): the first
 * request on a connection carries the connection's acceptance, earlier than the request was
 * sent; a later one on the same kept-alive connection carries its own arrival.
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listening(secure: boolean) {
  const stamps: number[] = [];
  const handler = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    stamps.push(arrivalOf(req));
    res.end("ok");
  };
  const certificate = secure ? makeTestCertificate() : null;
  const server = certificate
    ? (createHttpsServer({ cert: certificate.cert, key: certificate.key }, handler) as unknown as Server)
    : createServer(handler);
  stampArrivals(server, secure);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const ready = once(server, secure ? "secureConnection" : "connection");
  const socket: Socket = secure
    ? connectTls({ port, host: "127.0.0.1", ca: certificate!.cert, servername: "localhost" })
    : connectTcp({ port, host: "127.0.0.1" });
  await ready;
  return { stamps, socket };
}

/** One keep-alive request on `socket`, resolved with its answer read. */
async function ask(socket: Socket): Promise<void> {
  const answered = new Promise<void>((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.endsWith("\r\n\r\nok")) return;
      socket.off("data", onData);
      resolve();
    };
    socket.on("data", onData);
  });
  socket.write("POST /api/trpc/appliance.request HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
  await answered;
}

describe.each([
  ["HTTP", false],
  ["HTTPS", true],
])("stampArrivals over %s", (_, secure) => {
  it("stamps a connection's first request with its acceptance and a kept-alive one with its own arrival", async () => {
    const { stamps, socket } = await listening(secure);
    const accepted = performance.now(); // the server has accepted the connection by now
    await ask(socket);
    const secondSent = performance.now();
    await ask(socket);
    socket.destroy();
    expect(stamps).toHaveLength(2);
    expect(stamps[0]!).toBeLessThanOrEqual(accepted);
    expect(stamps[1]!).toBeGreaterThanOrEqual(secondSent);
  });
});

describe("arrivalOf", () => {
  it("is now for a request no listener stamped", () => {
    const before = performance.now();
    expect(arrivalOf({} as IncomingMessage)).toBeGreaterThanOrEqual(before);
  });
});
