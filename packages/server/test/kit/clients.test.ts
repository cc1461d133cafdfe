import { afterAll, beforeAll, expect, it } from "vitest";
import { steadyFetch } from "./clients.ts";
import { type ClosingServer, startClosingServer } from "./closing-server.ts";

let server: ClosingServer;
beforeAll(async () => {
  server = await startClosingServer('{"result":{"data":{}}}');
});
afterAll(() => server?.stop());

it("survives a server closing a kept-alive connection as a call arrives: repeats what is safe to repeat, sends the rest on a connection of its own", async () => {
  const base = `${server.baseUrl}/api/trpc`;
  const post = { method: "POST", body: "{}" };
  // A kept-alive connection in Node's own pool and in the kit's.
  await (await fetch(`${base}/appliance.request`, post)).text();
  await (await steadyFetch(`${base}/appliance.request`, post)).text();
  // One turn of the event loop's timers: both pools take their connection back as idle.
  await new Promise((resolve) => setTimeout(resolve, 10));
  await server.closeKeptAliveCalls();

  const [plain, request, release] = await Promise.allSettled([
    fetch(`${base}/appliance.refresh`, post),
    steadyFetch(`${base}/appliance.request`, post),
    steadyFetch(`${base}/appliance.release`, post),
  ]);
  // The race is real here: Node's fetch sent its call on the connection the server closed.
  expect(plain).toMatchObject({ status: "rejected", reason: { cause: { code: "UND_ERR_SOCKET" } } });
  expect(server.closedPaths()).toContain("/api/trpc/appliance.refresh");
  expect(request).toMatchObject({ status: "fulfilled", value: { status: 200 } });
  expect(release).toMatchObject({ status: "fulfilled", value: { status: 200 } });
  // The release was sent once: it went on a connection of its own, not on the closing one.
  expect(server.paths().filter((path) => path.endsWith("appliance.release"))).toHaveLength(1);
}, 30_000);
