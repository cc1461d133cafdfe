import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { seedFleet } from "./kit/fleet.ts";
import { startServerProcess } from "./kit/processes.ts";
import { freshDatabase, SECRET, waitFor } from "./kit/test-server.ts";

const CALLERS = 4;
/** Well under the 10 s bound after which the server cuts what is still open. */
const STOP_WITHIN_MS = 5_000;

/** One `appliance.refresh` over `agent`'s connection: its HTTP status, or 0 when the connection failed. */
function refresh(baseUrl: string, token: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${baseUrl}/api/trpc/appliance.refresh`,
      { method: "POST", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(JSON.stringify({ inUse: 0 }));
  });
}

describe("SIGTERM while appliances keep calling over kept-alive connections", () => {
  it("answers the calls in flight, closes each connection after its answer and exits", async () => {
    const db = await freshDatabase("sqlite", "stop");
    const server = await startServerProcess({ DATABASE_URL: db.url, SLS_SHARED_SECRET: SECRET, SLS_LOG_LEVEL: "info" });
    try {
      const fleet = await seedFleet(
        { baseUrl: server.baseUrl, secret: SECRET },
        { count: CALLERS, prefix: "STOP", platformLimit: 1000, localLimit: 0 },
      );
      let answered = 0;
      let exited = false;
      const exit = new Promise<number | null>((resolve) =>
        server.child.once("exit", (code) => {
          exited = true;
          resolve(code);
        }),
      );
      // Each caller refreshes in a tight loop on its one kept-alive connection, sending the next
      // call as soon as the last is answered, as an appliance's HTTP client does.
      const loops = fleet.map(async ({ token }) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        while (!exited) {
          if ((await refresh(server.baseUrl, token, agent)) === 200) answered++;
        }
        agent.destroy();
      });
      await waitFor(() => answered >= 100, { what: "100 refreshes answered" });

      const signalledAt = performance.now();
      server.child.kill("SIGTERM");
      const code = await Promise.race([
        exit,
        new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), STOP_WITHIN_MS)),
      ]);
      const tookMs = performance.now() - signalledAt;
      if (code === "still running") await server.crash();
      await Promise.all(loops);

      expect(code, `still running ${STOP_WITHIN_MS} ms after SIGTERM; output:\n${server.output()}`).toBe(0);
      expect(tookMs).toBeLessThan(STOP_WITHIN_MS);
      expect(server.output()).toMatch(/stopping/);
    } finally {
      await server.crash();
      await db.drop();
    }
  });
});
