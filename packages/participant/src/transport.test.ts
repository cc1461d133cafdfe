import { type ClosingServer, startClosingServer } from "@sls/server/testing/closing-server";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplianceError, UnreachableError } from "./errors.ts";
import { fetchTransport } from "./transport.ts";

let server: Server;
let baseUrl: string;
const seen: Array<{ url: string | undefined; authorization: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ url: req.url, authorization: req.headers.authorization, body });
      if (req.url === "/api/trpc/appliance.refresh") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ result: { data: { granted: 50 } } }));
      } else if (req.url === "/api/trpc/appliance.register") {
        const retryAfterMs = (JSON.parse(body) as { retryAfterMs: unknown }).retryAfterMs;
        res.writeHead(429, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: {
              message: "The server is overloaded; try again shortly.",
              code: -32029,
              data: { code: "TOO_MANY_REQUESTS", httpStatus: 429, reason: "OVERLOADED", retryAfterMs },
            },
          }),
        );
      } else if (req.url === "/api/trpc/appliance.request") {
        res.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: {
              message: "sessions must be a positive multiple of 50; got 70",
              code: -32600,
              data: { code: "BAD_REQUEST", httpStatus: 400, reason: "NOT_A_MULTIPLE_OF_50" },
            },
          }),
        );
      } else {
        res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("fetchTransport", () => {
  it("posts the input as JSON with the bearer token and returns result.data", async () => {
    await expect(fetchTransport.call(baseUrl, "refresh", { inUse: 7 }, { token: "slt_abc" })).resolves.toEqual({
      granted: 50,
    });
    expect(seen.at(-1)).toEqual({
      url: "/api/trpc/appliance.refresh",
      authorization: "Bearer slt_abc",
      body: '{"inUse":7}',
    });
  });

  it("turns a tRPC error into an ApplianceError with the code and reason", async () => {
    const call = fetchTransport.call(baseUrl, "request", { sessions: 70, requestId: "r" }, { token: "t" });
    await expect(call).rejects.toBeInstanceOf(ApplianceError);
    await expect(fetchTransport.call(baseUrl, "request", { sessions: 70, requestId: "r" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      reason: "NOT_A_MULTIPLE_OF_50",
      httpStatus: 400,
      message: "sessions must be a positive multiple of 50; got 70",
    });
  });

  it("carries the server's retryAfterMs on a refusal for load, and ignores a value that is no duration", async () => {
    // The test server echoes the retryAfterMs it is sent in the body back in its refusal.
    const refusedWith = (retryAfterMs: unknown) =>
      fetchTransport
        .call(baseUrl, "register", { retryAfterMs } as never)
        .catch((error: unknown) => error as ApplianceError);
    await expect(refusedWith(2_500)).resolves.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "OVERLOADED",
      httpStatus: 429,
      retryAfterMs: 2_500,
    });
    await expect(refusedWith(12.2)).resolves.toMatchObject({ retryAfterMs: 13 });
    for (const bad of [-1, "2500", null])
      await expect(refusedWith(bad)).resolves.toMatchObject({ reason: "OVERLOADED", retryAfterMs: undefined });
    await expect(refusedWith(undefined)).resolves.toMatchObject({ retryAfterMs: undefined });
  });

  it("calls an answer that is not the licensing server's unreachable", async () => {
    await expect(fetchTransport.call(baseUrl, "release", { sessions: 0 })).rejects.toThrow(
      /answered HTTP 502 without a tRPC result/,
    );
  });

  it("calls a refused connection unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const call = fetchTransport.call(url, "refresh", { inUse: 0 });
    await expect(call).rejects.toBeInstanceOf(UnreachableError);
    await expect(fetchTransport.call(url, "refresh", { inUse: 0 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("stops waiting when the signal is aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      fetchTransport.call(baseUrl, "refresh", { inUse: 0 }, { signal: abort.signal }),
    ).rejects.toBeInstanceOf(UnreachableError);
  });
});

describe("fetchTransport on a kept-alive connection the server closes as a call arrives", () => {
  let closing: ClosingServer;
  afterAll(() => closing?.stop());

  it("sends refresh once more on a new connection, and leaves release to its caller (unreachable, not sent twice)", async () => {
    closing = await startClosingServer('{"result":{"data":{"granted":0}}}');
    const url = closing.baseUrl;
    // Two kept-alive connections, one for each call below.
    await Promise.all([
      fetchTransport.call(url, "refresh", { inUse: 0 }),
      fetchTransport.call(url, "refresh", { inUse: 0 }),
    ]);
    // One turn of the event loop's timers: the pool takes both connections back as idle.
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The server closes each kept-alive connection as the next call arrives on it.
    await closing.closeKeptAliveCalls();
    const [refresh, release] = await Promise.allSettled([
      fetchTransport.call(url, "refresh", { inUse: 0 }),
      fetchTransport.call(url, "release", { sessions: 50 }),
    ]);
    expect(refresh).toMatchObject({ status: "fulfilled", value: { granted: 0 } });
    expect(release).toMatchObject({ status: "rejected", reason: { name: "UnreachableError" } });
    expect(closing.paths().filter((path) => path.endsWith("appliance.release"))).toEqual([]);
    // Both went out on a closing connection: the refresh was sent again, the release was not.
    expect(closing.closedPaths().sort()).toEqual(["/api/trpc/appliance.refresh", "/api/trpc/appliance.release"]);
  }, 30_000);
});
