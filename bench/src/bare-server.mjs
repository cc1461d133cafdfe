// The yardstick: a bare node:http server that reads the JSON body and answers with a JSON body of
// the same size as the licensing server's refresh answer. Run as its own process, like the server.
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const answer = JSON.stringify({ result: { data: { granted: 50, pending: 0, refreshIntervalSec: 30, backup: null } } });

createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
    res.end(answer);
  });
}).listen(port, "127.0.0.1", () => console.log(`bare node:http on ${port}`));
