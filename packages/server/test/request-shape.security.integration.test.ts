// Raw HTTP on purpose: these tests send paths, Host headers and bodies that fetch and the typed
// clients would normalise, refuse to send, or send differently.
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConsoleRoute } from "../src/http/app-server.ts";
import { procedurePaths } from "../src/http/procedure-paths.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import { freshDatabase, startTestServer, type FreshDatabase, type TestServer } from "./kit/test-server.ts";

/** A GET with exactly this path (a URL object would resolve its dot segments before sending). */
function get(port: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

const TRAVERSALS = [
  "/api/trpc/appliance.x/../admin.overview.get",
  "/api/trpc/appliance.x/%2e%2e/admin.overview.get",
  "/api/trpc/appliance.x/%2E%2E/admin.overview.get",
  "/api/trpc/appliance.x/./../admin.overview.get",
  "/api/trpc/appliance.x%2F..%2Fadmin.overview.get",
  "/api/trpc//admin.overview.get",
  "/api/trpc/appliance.register/",
  "/api/trpc/appliance.x,",
  "/api/trpc/appliance.%zz",
];

describe("one reading of the procedure path", () => {
  it("names procedures the way tRPC's adapter does, and nothing for a path that does not name them plainly", () => {
    expect(procedurePaths("/api/trpc/admin.overview.get")).toEqual(["admin.overview.get"]);
    expect(procedurePaths("/api/trpc/appliance.refresh?x=1")).toEqual(["appliance.refresh"]);
    expect(procedurePaths("/api/trpc/appliance.register%2Cauth.login?batch=1")).toEqual([
      "appliance.register",
      "auth.login",
    ]);
    for (const url of TRAVERSALS) {
      expect(procedurePaths(url), url).toBeNull();
      expect(isConsoleRoute(url), url).toBe(true);
    }
  });
});

describe("requests on sqlite", () => {
  let db: FreshDatabase;
  let server: TestServer;
  let port: string;
  let cookie: string;

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "request_shape");
    server = await startTestServer(db.url);
    port = new URL(server.baseUrl).port;
    cookie = (await setUpAdmin(server)).cookie!;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers a path that dodges the Host check with 421 under a foreign Host, and never runs the admin call", async () => {
    for (const url of TRAVERSALS) {
      const answer = await get(port, url, { host: `evil.example:${port}`, cookie, "x-sls-console": "1" });
      expect(answer.status, url).toBe(421);
      expect(JSON.parse(answer.body), url).toMatchObject({ error: { data: { reason: "HOST_NOT_ALLOWED" } } });
    }
  });

  it("refuses such a path with 404 under an allowed Host, saying how to name a procedure", async () => {
    for (const url of TRAVERSALS) {
      const answer = await get(port, url, { host: `127.0.0.1:${port}`, cookie, "x-sls-console": "1" });
      expect(answer.status, url).toBe(404);
      expect(JSON.parse(answer.body).error.message, url).toMatch(/does not name a procedure/);
    }
    const plain = await get(port, "/api/trpc/admin.overview.get", {
      host: `127.0.0.1:${port}`,
      cookie,
      "x-sls-console": "1",
    });
    expect(plain.status).toBe(200);
  });

  describe("a 5 MB body", () => {
    const FIVE_MB = 5 * 1024 * 1024;
    const RUNS = 10;

    /**
     * Sends the head, then the whole body without reading (as a simple client does), and returns
     * the first answer the server sent, or the socket error that ended the exchange.
     */
    function exchange(head: string, body: Buffer): Promise<{ answer: string; error: string | null }> {
      return new Promise((resolve) => {
        const socket = connect(Number(port), "127.0.0.1");
        let received = "";
        let error: string | null = null;
        const complete = () => {
          const end = received.indexOf("\r\n\r\n");
          if (end < 0) return false;
          const head = received.slice(0, end);
          if (/transfer-encoding: chunked/i.test(head)) return received.endsWith("\r\n0\r\n\r\n");
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? Number.NaN);
          return Buffer.byteLength(received.slice(end + 4)) >= length;
        };
        socket.on("data", (chunk: Buffer) => {
          received += chunk.toString("latin1");
          if (complete()) {
            socket.destroy();
            resolve({ answer: received, error });
          }
        });
        socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
        socket.on("close", () => resolve({ answer: received, error }));
        // Far longer than a 5 MB exchange over loopback takes; a server that stops reading never answers.
        socket.setTimeout(10_000, () => {
          socket.destroy();
          resolve({ answer: received || "no answer within 10 s", error });
        });
        // Reads only once the whole body is written, as a client that sends before it reads.
        socket.pause();
        socket.write(head);
        socket.write(body, () => socket.resume());
      });
    }

    const cases = [
      {
        name: "declared, to the console's handler",
        head: `POST /api/trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-sls-console: 1\r\nContent-Length: ${FIVE_MB}\r\n\r\n`,
        body: Buffer.alloc(FIVE_MB, "x"),
      },
      {
        name: "declared, to an appliance call",
        head: `POST /api/trpc/appliance.refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${FIVE_MB}\r\n\r\n`,
        body: Buffer.alloc(FIVE_MB, "x"),
      },
      {
        name: "streamed, to an appliance call",
        head: "POST /api/trpc/appliance.refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        body: chunked(FIVE_MB),
      },
      {
        name: "streamed, to the console's handler",
        head: "POST /api/trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-sls-console: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        body: chunked(FIVE_MB),
      },
    ];

    for (const { name, head, body } of cases) {
      it(`${name}: is answered 413 every time, never with a reset`, async () => {
        const outcomes: string[] = [];
        for (let run = 0; run < RUNS; run++) {
          const { answer, error } = await exchange(head, body);
          outcomes.push(`${answer.slice(0, answer.indexOf("\r\n"))}${error ? ` (${error})` : ""}`);
        }
        expect(outcomes).toEqual(Array(RUNS).fill("HTTP/1.1 413 Payload Too Large"));
      }, 60_000);
    }
  });
});

function chunked(size: number): Buffer {
  const chunk = "x".repeat(64 * 1024);
  const count = Math.ceil(size / chunk.length);
  return Buffer.from(`${`${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(count)}0\r\n\r\n`);
}
