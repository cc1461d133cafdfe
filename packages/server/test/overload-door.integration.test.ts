import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applianceClient } from "./kit/clients.ts";
import { providers } from "./kit/databases.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";
import { freshDatabase, registration, SECRET, type FreshDatabase, settle } from "./kit/test-server.ts";

/**
 * A connection opened now whose request head (with its Content-Length) is sent when `sendHead` is
 * called and whose body never is: resolves with the raw answer, or null after `giveUpMs`.
 */
function connectThenHeadOnly(baseUrl: string, path: string, token: string, giveUpMs: number) {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  let raw = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk));
  socket.on("error", () => {});
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return {
    connected,
    async sendHead(): Promise<string | null> {
      socket.write(
        `POST /api/trpc/${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: 64\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
      const deadline = Date.now() + giveUpMs;
      while (Date.now() < deadline && !/\r\n\r\n[\s\S]*\}$/.test(raw)) await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      return /\}$/.test(raw) ? raw : null;
    },
  };
}

/**
 * A call the queue would refuse on arrival is refused before its body is read (http/door-admission.ts):
 * the answer comes although the body never does, in the queue's own OVERLOADED shape.
 */
describe.each(providers())("admission at the door (%s)", (provider) => {
  let db: FreshDatabase;
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    db = await freshDatabase(provider, "overload-door");
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SLS_POOL_SIZE: "1000000",
      SLS_SHARED_SECRET: SECRET,
      SLS_CALL_DEADLINE_MS: "100",
    });
    const result = await settle(
      applianceClient(server.baseUrl).appliance.register.mutate(
        registration("DOOR001", { platformLimit: 100_000, localLimit: 0 }),
      ),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    token = result.data.token;
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it("answers OVERLOADED with retryAfterMs, before its body comes, a call that waited past the deadline", async () => {
    // Accepted now, its head sent after the 100 ms deadline: its wait counts from the acceptance.
    const early = connectThenHeadOnly(server.baseUrl, "appliance.request", token, 10_000);
    await early.connected;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const raw = await early.sendHead();

    expect(raw, "no answer without the body").not.toBeNull();
    expect(raw!.split("\r\n")[0]).toBe("HTTP/1.1 429 Too Many Requests");
    const { error } = JSON.parse(raw!.slice(raw!.indexOf("\r\n\r\n") + 4)) as {
      error: { message: string; data: { code: string; reason: string; retryAfterMs: number; path: string } };
    };
    expect(error.data).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "OVERLOADED", path: "appliance.request" });
    expect(error.data.retryAfterMs).toBeGreaterThanOrEqual(250);
    expect(error.message).toMatch(/overloaded.*would have waited about \d+ ms.*nothing was done/i);
  }, 60_000);
});
