// For the tests of a call sent on a kept-alive connection that the server closes as the call
// arrives (`@sls/server/testing/closing-server`: the participant's transport test imports it
// without loading the rest of the kit).
//
// The server, in a process of its own, wins that race on purpose: once told to, it closes the
// connection of every call that arrives on a kept-alive connection (one that carried a call
// before), reading the call but never acting on it or answering. The client sees what it sees
// when a server's keep-alive timeout closes a connection just as a call is sent on it: the
// connection ends before any answer ("other side closed"), and the server did nothing.
//
// Earlier this was made by starving the test process past the server's keep-alive timeout, so
// that it sent on a connection whose end it had not read yet. That reproduced it on Node 20's
// fetch only: Node 24's fetch reads a close that has already arrived before it sends, and takes
// a new connection. The race itself is still there on Node 24 when the close is on its way as the
// call is sent, a window too narrow to hit on purpose from the client's side.
import { spawn } from "node:child_process";
import { waitFor } from "./wait-for.ts";

export interface ClosingServer {
  baseUrl: string;
  /** Each call's path that the server acted on (answered), in the order it read them. */
  paths(): string[];
  /** Each call's path that arrived on a kept-alive connection the server then closed unanswered. */
  closedPaths(): string[];
  /**
   * From now on, the server closes the connection of each call that arrives on a kept-alive
   * connection, without acting on the call. Resolves once the server has taken the order.
   */
  closeKeptAliveCalls(): Promise<void>;
  stop(): void;
}

const SERVER = `
  const answer = process.argv[1];
  const served = new WeakSet();
  let closing = false;
  const server = require("node:http").createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (closing && served.has(req.socket)) {
        console.log("closed " + req.url);
        req.socket.end();
        return;
      }
      served.add(req.socket);
      console.log(req.url);
      res.writeHead(200, { "content-type": "application/json" }).end(answer);
    });
  });
  process.stdin.on("data", () => {
    closing = true;
    console.log("closing kept-alive calls");
  });
  server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
`;

/** Starts the server; each call it acts on is answered 200 with `answer` as its JSON body. */
export async function startClosingServer(answer: string): Promise<ClosingServer> {
  const child = spawn(process.execPath, ["-e", SERVER, answer], { stdio: ["pipe", "pipe", "inherit"] });
  let printed = "";
  child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const lines = () => printed.split("\n");
  const stop = () => {
    child.kill();
  };
  try {
    const port = await waitFor(() => /port (\d+)/.exec(printed)?.[1], { what: "the closing server to listen" });
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      paths: () => lines().filter((line) => line.startsWith("/")),
      closedPaths: () => lines().flatMap((line) => (line.startsWith("closed /") ? [line.slice("closed ".length)] : [])),
      async closeKeptAliveCalls() {
        child.stdin.write("close\n");
        await waitFor(() => printed.includes("closing kept-alive calls"), { what: "the closing server to arm" });
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
