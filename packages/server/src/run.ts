import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { bootServices } from "./boot.ts";
import { EnvError, loadEnv, type TEnv } from "./env.ts";
import { createAppServer, createLicenseServer, listenerOptionsFrom, type ListenerOptions } from "./http/app-server.ts";
import { closeGracefully } from "./http/graceful-close.ts";
import { createLogger } from "./logger.ts";
import { collectStartupGarbage } from "./startup-gc.ts";
import { setServingV8Flags, setStartingV8Flags } from "./v8-flags.ts";

export interface RunOptions {
  /** Handles everything that is not the API (the Next.js UI). */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Runs once the listeners are open (Next.js's prepare): requests for `fallback` wait for it, and
   * /api/ready answers 503 (starting) until it is done. Appliance calls do not wait for it.
   */
  prepare?: () => Promise<void>;
  env?: TEnv;
}

/**
 * Starts one server process: migrate, seed, listen, then load the leases and prepare the console
 * while already answering (appliance calls meanwhile: STARTING), and stop cleanly on SIGINT/SIGTERM.
 */
export async function runServer(options: RunOptions = {}): Promise<void> {
  setStartingV8Flags();
  let env: TEnv;
  try {
    env = options.env ?? loadEnv();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(env.SLS_LOG_LEVEL);
  let listener: ListenerOptions;
  try {
    listener = listenerOptionsFrom(env);
  } catch (error) {
    log.error(`cannot set up the listeners: ${(error as Error).message}`);
    process.exit(2);
  }
  const running = await bootServices(env, log).catch((error: unknown) => {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  });
  // Console requests that arrive while Next.js prepares wait for it (a failed prepare stops the process).
  let prepared: Promise<void> = Promise.resolve();
  const { fallback: serveConsole } = options;
  const fallback =
    serveConsole &&
    ((req: IncomingMessage, res: ServerResponse) =>
      void prepared.then(
        () => serveConsole(req, res),
        () => res.destroy(),
      ));
  const servers: Server[] = [createAppServer(running.services, fallback, listener)];
  if (env.SLS_LICENSE_PORT) servers.push(createLicenseServer(running.services, listener));
  try {
    await Promise.all(servers.map((server, i) => listen(server, i === 0 ? env.PORT : env.SLS_LICENSE_PORT!)));
  } catch (error) {
    const { code, port } = error as { code?: string; port?: number };
    log.error(
      code === "EADDRINUSE"
        ? `port ${port} is already in use; stop the other process or choose another PORT / SLS_LICENSE_PORT`
        : "could not listen",
      { error },
    );
    await running.stop();
    process.exit(1);
  }
  log.info("listening", {
    url: `${listener.tls ? "https" : "http"}://localhost:${env.PORT}`,
    allowedHosts: listener.allowedHosts?.list(),
    licensePort: env.SLS_LICENSE_PORT ?? null,
    serverId: env.SLS_SERVER_ID,
    pid: process.pid,
  });
  if (options.prepare)
    prepared = running.services.startup.track("the console is preparing", options.prepare(), { appliances: false });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    await Promise.all(servers.map((server) => closeGracefully(server)));
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    await Promise.all([running.leasesLoaded, prepared]);
  } catch (error) {
    if (stopping) return;
    log.error("could not finish starting", { error });
    stopping = true;
    await Promise.all(servers.map((server) => closeGracefully(server)));
    await running.stop().catch(() => {});
    process.exit(1);
  }
  // performance.now() counts from the process's start.
  if (stopping) return;
  collectStartupGarbage();
  setServingV8Flags();
  log.info("ready", { ms: Math.round(performance.now()) });
}

/**
 * Connections the kernel holds accepted until the event loop takes them (capped by
 * net.core.somaxconn). Node's default, 511, overflows under a wave of thousands of new
 * connections while a batch runs: the kernel then drops their SYNs and the clients retry after
 * 1, 3 and 7 s, a wait the server cannot see or refuse in time.
 */
const LISTEN_BACKLOG = 4_096;

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
