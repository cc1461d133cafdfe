import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { callMutation, RemoteCallError, SNAPSHOT_ANSWER_MAX_BYTES } from "./trpc-call.ts";

const open: Server[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP peer answering every request with `handler`. */
async function peer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res));
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const call = (url: string, path = "backup.sync", maxBytes?: number) =>
  callMutation<unknown>(url, path, { x: 1 }, { timeoutMs: 10_000, ...(maxBytes ? { maxBytes } : {}) });

async function refusal(promise: Promise<unknown>): Promise<RemoteCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteCallError);
  return error as RemoteCallError;
}

describe("callMutation over real HTTP: answers capped, redirects refused, remote text cleaned", () => {
  it("gives up an endless answer as soon as it passes the cap, without reading it all", async () => {
    let written = 0;
    let stopped!: () => void;
    const peerStopped = new Promise<void>((resolve) => (stopped = resolve));
    const url = await peer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      let closed = false;
      res.on("close", () => {
        closed = true;
        stopped();
      });
      const pump = () => {
        while (!closed && written < 1024 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
      };
      pump();
    });
    const error = await refusal(call(url, "backup.sync", 256 * 1024));
    expect(error.message).toMatch(/more than the 262144 bytes such an answer may have/);
    expect(error.status).toBe(200);
    await peerStopped;
    // What the peer got into the socket before the connection closed: the cap and a few buffers, not 1 GiB.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it("refuses an answer whose Content-Length is above the cap before its body arrives", async () => {
    const url = await peer((_req, res) => {
      // Headers only: the body never comes, so only the announced length can end the call at once.
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(SNAPSHOT_ANSWER_MAX_BYTES + 1),
      });
      res.flushHeaders();
    });
    const error = await refusal(call(url, "backup.handback"));
    expect(error.message).toMatch(new RegExp(`${SNAPSHOT_ANSWER_MAX_BYTES + 1} bytes \\(Content-Length\\)`));
    expect(error.status).toBe(200);
  });

  it("caps other calls at 1 MiB by default", async () => {
    const big = JSON.stringify({ result: { data: { token: "x".repeat(2 * 1024 * 1024) } } });
    const url = await peer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(big));
    const error = await refusal(call(url, "appliance.register"));
    expect(error.message).toMatch(/more than the 1048576 bytes/);
  });

  it("takes an answer within its cap", async () => {
    const url = await peer((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result: { data: { ok: 1 } } })),
    );
    expect(await call(url)).toEqual({ ok: 1 });
  });

  it("refuses a redirect, names it, and never calls where it points", async () => {
    let followed = 0;
    const elsewhere = await peer((_req, res) => {
      followed += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result: { data: "stolen" } }));
    });
    for (const status of [301, 302, 307, 308]) {
      const url = await peer((req, res) => res.writeHead(status, { location: `${elsewhere}${req.url}` }).end());
      const error = await refusal(call(url));
      expect(error.status).toBe(status);
      expect(error.message).toMatch(new RegExp(`answered HTTP ${status}, a redirect to ${elsewhere}`));
      expect(error.message).toMatch(/do not follow redirects/);
    }
    expect(followed).toBe(0);
  });

  it("keeps status null for a peer that cannot be reached or cuts its answer off, and the HTTP status otherwise", async () => {
    const nobody = await refusal(call(`http://127.0.0.1:${await closedPort()}`));
    expect(nobody.status).toBeNull();
    const cut = await peer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"result":{"data":');
      setImmediate(() => res.destroy());
    });
    expect((await refusal(call(cut))).status).toBeNull();
    const failing = await peer((_req, res) =>
      res
        .writeHead(503, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "busy", data: { reason: "OVERLOADED" } } })),
    );
    expect(await refusal(call(failing))).toMatchObject({ status: 503, reason: "OVERLOADED", message: "busy" });
  });

  it("cleans and caps the peer's error message and drops a reason that is not one", async () => {
    const message = `bad\n\u0000\u001b[2J${"y".repeat(10_000)}`;
    const url = await peer((_req, res) =>
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message, data: { reason: "BAD TOKEN\nforged" } } })),
    );
    const error = await refusal(call(url));
    expect(error.message).toHaveLength(500);
    expect(error.message).toMatch(/^bad \[2Jy+…$/);
    expect(error.reason).toBeNull();
    expect(error.status).toBe(401);
  });
});
