// The production entry: one process serving the admin UI (Next.js), the tRPC API at
// /api/trpc and, when SLS_LICENSE_PORT is set, the appliance calls on their own port.
import next from "next";
import { runServer } from "@sls/server";

const app = next({ dev: process.env.NODE_ENV === "development", dir: import.meta.dirname });
const handle = app.getRequestHandler();

await runServer({
  beforeListen: () => app.prepare(),
  fallback: (req, res) => void handle(req, res),
});
