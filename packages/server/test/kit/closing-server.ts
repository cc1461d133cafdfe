// For the tests of a call sent on a kept-alive connection that the server closes as the call
// arrives (`@sls/server/testing/closing-server`: the participant's transport test imports it
// without loading the rest of the kit). The race is made on purpose by starving this process
// while the server, in a process of its own, closes the idle connections.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitFor } from "./wait-for.ts";

export interface ClosingServer {
  baseUrl: string;
  /** Each call's path, in the order the server read them. */
  paths(): string[];
  /**
   * Blocks this process as a loaded machine does (no timer fires, no socket event is read) until
   * the server has closed `connections` idle connections, so the next calls go out on
   * connections whose end this process has not read yet.
   */
  starveUntilClosed(connections: number): void;
  stop(): void;
}

// Advertised as "timeout=3": Node's fetch keeps an idle connection 1 s; the server closes it at 4 s
// and then writes a line to the file `closed`, which the starved process reads synchronously.
const SERVER = `
  const [answer, closed] = process.argv.slice(1);
  const server = require("node:http").createServer((req, res) => {
    console.log(req.url);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
  });
  server.on("connection", (socket) => socket.on("close", () => require("node:fs").appendFileSync(closed, "closed\\n")));
  server.keepAliveTimeout = 3000;
  server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
`;

/** Starts the server; each call is answered 200 with `answer` as its JSON body. */
export async function startClosingServer(answer: string): Promise<ClosingServer> {
  // Outside the kit's sls-* folders: this module must not load the rest of the kit.
  const folder = mkdtempSync(path.join(os.tmpdir(), "closing-server-"));
  const closed = path.join(folder, "closed");
  appendFileSync(closed, "");
  const child = spawn(process.execPath, ["-e", SERVER, answer, closed], { stdio: ["ignore", "pipe", "inherit"] });
  let printed = "";
  child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const stop = () => {
    child.kill();
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const port = await waitFor(() => /port (\d+)/.exec(printed)?.[1], { what: "the closing server to listen" });
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      paths: () => printed.split("\n").filter((line) => line.startsWith("/")),
      starveUntilClosed(connections) {
        const deadline = Date.now() + 30_000;
        const closedSoFar = () => readFileSync(closed, "utf8").split("\n").length - 1;
        while (closedSoFar() < connections) {
          if (Date.now() > deadline)
            throw new Error(`the server closed ${closedSoFar()} of ${connections} connections`);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
