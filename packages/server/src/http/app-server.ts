import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TEnv } from "../env.ts";
import type { Services } from "../services/context.ts";
import { AllowedHosts } from "./allowed-hosts.ts";
import { createApplianceHandler } from "./appliance-handler.ts";
import { stampArrivals } from "./arrival.ts";
import {
  capConnectionsPerAddress,
  closeSilentConnections,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
} from "./connection-limits.ts";
import type { AddressSet } from "./ip-address.ts";
import { sendJson } from "./json-io.ts";
import { procedurePaths, TRPC_BASE_PATH } from "./procedure-paths.ts";
import { fromTrustedProxy } from "./remote-address.ts";
import { createSsoRoutes } from "./sso-routes.ts";
import { createTrpcRequestHandler } from "./trpc-handler.ts";
import { createOperationsRoutes } from "../metrics/operations-routes.ts";
import { createOpenApiRoutes } from "../openapi/routes.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerOptions {
  /** PEM certificate chain and key: HTTPS instead of HTTP (SLS_TLS_CERT / SLS_TLS_KEY). */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** The host names console routes answer to (SLS_ALLOWED_HOSTS); the defaults when absent. */
  allowedHosts?: AllowedHosts | undefined;
  /** Open connections one client address may hold (SLS_MAX_CONNECTIONS_PER_ADDRESS). */
  maxConnectionsPerAddress?: number | undefined;
}

/**
 * Limits on every listener. An appliance's call takes milliseconds and a TLS handshake on its
 * network well under a second, so a client that is still silent or mid-handshake after 10 s is
 * slow or idle on purpose and its connection goes back to the others. An appliance that keeps its
 * connection open between calls keeps it for `keepAliveTimeout`; that stays below
 * `headersTimeout` so an idle kept-alive socket is never cut by the header timer. Slow senders
 * get `headersTimeout` for the head and `requestTimeout` in all (a 64 KiB body at a modem's pace);
 * the timers are checked every `checkIntervalMs` (Node's default, 30 s, would triple them). The
 * global cap leaves room for a fleet of thousands each holding one connection; one address may
 * hold a tenth of it by default, and a connection that sends nothing is closed after
 * `headersTimeout` too (connection-limits.ts).
 */
export const LISTENER_LIMITS = {
  keepAliveTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
  maxConnections: 10_000,
} as const;

/** HSTS for a year once the console is served over HTTPS (not `includeSubDomains`: the names are the operator's). */
const HSTS = "max-age=31536000";

/** The TLS files and host names from the environment; an unreadable PEM file stops the start with its path. */
export function listenerOptionsFrom(
  env: Pick<TEnv, "SLS_TLS_CERT" | "SLS_TLS_KEY" | "SLS_ALLOWED_HOSTS"> &
    Partial<Pick<TEnv, "SLS_MAX_CONNECTIONS_PER_ADDRESS">>,
): ListenerOptions {
  const tls =
    env.SLS_TLS_CERT && env.SLS_TLS_KEY
      ? { cert: readPem(env.SLS_TLS_CERT, "SLS_TLS_CERT"), key: readPem(env.SLS_TLS_KEY, "SLS_TLS_KEY") }
      : undefined;
  return {
    tls,
    allowedHosts: AllowedHosts.from(env.SLS_ALLOWED_HOSTS),
    maxConnectionsPerAddress: env.SLS_MAX_CONNECTIONS_PER_ADDRESS,
  };
}

function readPem(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${(error as Error).message})`);
  }
}

/**
 * The web port: health, the API's description (/api/openapi.json, /api/reference), /api/trpc, and
 * everything else to `fallback` (the Next.js UI).
 */
export function createAppServer(services: Services, fallback?: Handler, options: ListenerOptions = {}): Server {
  const trpc = createTrpcRequestHandler(services);
  const operations = createOperationsRoutes(services);
  const sso = createSsoRoutes(services);
  const openApi = createOpenApiRoutes(services.log);
  const allowedHosts = options.allowedHosts ?? AllowedHosts.from(undefined);
  const secure = Boolean(options.tls);
  return createListener(services, options, (req, res) => {
    setSecurityHeaders(req, res, secure);
    if (req.url === "/api/health") return sendJson(res, 200, { ok: true });
    if (operations(req, res)) return;
    if (isConsoleRoute(req.url ?? "/")) {
      const refused = foreignHost(req, allowedHosts, services.trustedProxies);
      if (refused !== null) {
        services.log.info("console request refused: host not allowed", { host: refused, url: req.url });
        return sendHostRefusal(req, res, refused);
      }
    }
    if (openApi(req, res)) return;
    if (req.url?.startsWith(TRPC_BASE_PATH)) return trpc(req, res);
    if (sso(req, res)) return;
    if (fallback) return fallback(req, res);
    sendJson(res, 404, { error: "not found" });
  });
}

/** The dedicated licence port (SLS_LICENSE_PORT): appliance calls only, any Host. */
export function createLicenseServer(services: Services, options: ListenerOptions = {}): Server {
  const appliance = createApplianceHandler(services);
  const operations = createOperationsRoutes(services, { readiness: false });
  const secure = Boolean(options.tls);
  return createListener(services, options, (req, res) => {
    setSecurityHeaders(req, res, secure);
    if (operations(req, res)) return;
    if (!appliance(req, res))
      sendJson(res, 404, { error: "only POST /api/trpc/appliance.<verb> is served on this port" });
  });
}

function createListener(services: Services, options: ListenerOptions, handler: Handler): Server {
  const http = {
    keepAliveTimeout: LISTENER_LIMITS.keepAliveTimeoutMs,
    headersTimeout: LISTENER_LIMITS.headersTimeoutMs,
    requestTimeout: LISTENER_LIMITS.requestTimeoutMs,
    connectionsCheckingInterval: LISTENER_LIMITS.checkIntervalMs,
  };
  // An https.Server serves the same requests and events as an http.Server; callers only listen and close.
  const server = (
    options.tls
      ? createHttpsServer(
          {
            ...http,
            cert: options.tls.cert,
            key: options.tls.key,
            handshakeTimeout: LISTENER_LIMITS.handshakeTimeoutMs,
          },
          handler,
        )
      : createHttpServer(http, handler)
  ) as Server;
  server.maxConnections = LISTENER_LIMITS.maxConnections;
  stampArrivals(server, Boolean(options.tls));
  capConnectionsPerAddress(
    server,
    options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    services.trustedProxies,
  );
  closeSilentConnections(server, LISTENER_LIMITS.headersTimeoutMs, Boolean(options.tls));
  return server;
}

/**
 * Pages, `auth.*` and `admin.*` are the console's and answer only to allowed host names;
 * appliance and backup calls (tRPC paths of `appliance.*` / `backup.*` only) answer to any.
 * Procedures are named as the tRPC handler reads them (procedure-paths.ts); a path under
 * /api/trpc that does not name them plainly counts as the console's (and is refused anyway).
 */
export function isConsoleRoute(url: string): boolean {
  if (!url.startsWith(TRPC_BASE_PATH)) return true;
  const procedures = procedurePaths(url);
  return !procedures?.every((path) => path.startsWith("appliance.") || path.startsWith("backup."));
}

/**
 * The first host claim that is not allowed, or null: Host, and from a trusted proxy
 * (SLS_TRUST_PROXY) every X-Forwarded-Host it passes on. Anyone else's X-Forwarded-Host is
 * ignored here as everywhere (web-request.ts), so it can neither pass nor fail the check.
 */
function foreignHost(req: IncomingMessage, allowed: AllowedHosts, trustedProxies: AddressSet): string | null {
  const forwarded = fromTrustedProxy(req, trustedProxies) ? req.headers["x-forwarded-host"] : undefined;
  const claims = [
    req.headers.host ?? "",
    ...(Array.isArray(forwarded) ? forwarded : forwarded ? forwarded.split(",") : []),
  ];
  return claims.find((claim) => !allowed.allows(claim)) ?? null;
}

function sendHostRefusal(req: IncomingMessage, res: ServerResponse, host: string): void {
  const message = `This console answers only to the host names in SLS_ALLOWED_HOSTS, and "${host}" is not one of them. If this is the server's own name, add it to SLS_ALLOWED_HOSTS (comma-separated) and restart.`;
  if (req.url?.startsWith("/api/")) {
    sendJson(res, 421, {
      error: {
        message,
        code: -32600,
        data: { code: "MISDIRECTED_REQUEST", httpStatus: 421, reason: "HOST_NOT_ALLOWED" },
      },
    });
    return;
  }
  res.writeHead(421, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(message) });
  res.end(message);
}

/**
 * On every answer: no MIME sniffing, no referrer beyond this origin, never framed, and HSTS over
 * HTTPS. The pages' own Content-Security-Policy (with a nonce per page) comes from the web app's
 * proxy; API answers get one that allows nothing, since they are never meant to render.
 */
function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, secure: boolean): void {
  if (req.url?.startsWith("/api/"))
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "same-origin");
  res.setHeader("x-frame-options", "DENY");
  if (secure) res.setHeader("strict-transport-security", HSTS);
}
