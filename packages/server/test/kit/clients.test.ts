import { spawn } from "node:child_process";
import { afterAll, expect, it } from "vitest";
import { steadyFetch } from "./clients.ts";
import { waitFor } from "./wait-for.ts";

/** Blocks this process as a loaded machine does: no timer fires, no socket event is read. */
function starve(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

// The server in a process of its own, which the starving leaves alone. It prints each call's path.
// Advertised as "timeout=3": Node's fetch keeps the idle connection 1 s; the server closes it at 4 s.
const SERVER = `
  const server = require("node:http").createServer((req, res) => {
    console.log(req.url);
    req.resume();
    req.on("end", () => res.end('{"result":{"data":{}}}'));
  });
  server.keepAliveTimeout = 3000;
  server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
`;
const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
let printed = "";
child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
afterAll(() => {
  child.kill();
});

it("survives a server closing a kept-alive connection as a call arrives: repeats what is safe to repeat, sends the rest on a connection of its own", async () => {
  const port = await waitFor(() => /port (\d+)/.exec(printed)?.[1], { what: "the server to listen" });
  const base = `http://127.0.0.1:${port}/api/trpc`;
  const post = { method: "POST", body: "{}" };
  // A kept-alive connection in Node's own pool and in the kit's.
  await (await fetch(`${base}/appliance.request`, post)).text();
  await (await steadyFetch(`${base}/appliance.request`, post)).text();
  await new Promise((resolve) => setTimeout(resolve, 10));
  starve(4_100);

  const [plain, request, release] = await Promise.allSettled([
    fetch(`${base}/appliance.refresh`, post),
    steadyFetch(`${base}/appliance.request`, post),
    steadyFetch(`${base}/appliance.release`, post),
  ]);
  // The race is real here: Node's fetch sent its call on the connection the server closed.
  expect(plain).toMatchObject({ status: "rejected", reason: { cause: { code: "UND_ERR_SOCKET" } } });
  expect(request).toMatchObject({ status: "fulfilled", value: { status: 200 } });
  expect(release).toMatchObject({ status: "fulfilled", value: { status: 200 } });
  // The release was sent once: it went on a connection of its own, not on the closing one.
  expect(printed.split("\n").filter((line) => line.endsWith("appliance.release"))).toHaveLength(1);
}, 30_000);
