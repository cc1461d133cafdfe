// The server process: one process serving the admin UI (Next.js), the tRPC API at
// /api/trpc and, when SLS_LICENSE_PORT is set, the appliance calls on their own port.
// `npm run dev` runs this file through tsx; `npm start` and the archive run its bundle,
// dist/app.js (scripts/build-server.mjs), through the entry dist/server.js (launch.ts), with the
// console's .next one folder up.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type next from "next";
import { runServer } from "@sls/server";

const dev = process.env.NODE_ENV === "development";
const dir = path.basename(import.meta.dirname) === "dist" ? path.dirname(import.meta.dirname) : import.meta.dirname;

// A standalone build (next.config's `output: "standalone"`) runs without next.config.ts, which it
// could not load without TypeScript: the config comes from what `next build` wrote, as in the
// server.js Next.js writes for its own standalone server.
const serverFiles = path.join(dir, ".next", "required-server-files.json");
if (!dev && existsSync(serverFiles)) {
  const { config } = JSON.parse(readFileSync(serverFiles, "utf8")) as { config: unknown };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

// Next.js is loaded and prepared once the listeners are open (runServer's `prepare`): console
// requests wait for it, appliance calls do not.
let handle: ReturnType<ReturnType<typeof next>["getRequestHandler"]> | null = null;

await runServer({
  prepare: async () => {
    const { default: loadNext } = await import("next");
    const app = loadNext({ dev, dir });
    await app.prepare();
    handle = app.getRequestHandler();
  },
  fallback: (req, res) => void handle?.(req, res),
});
