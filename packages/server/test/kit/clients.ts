import {
  createTRPCClient,
  createTRPCUntypedClient,
  httpLink,
  TRPCClientError,
  type TRPCClient,
  type TRPCLink,
  type TRPCUntypedClient,
} from "@trpc/client";
import { Agent } from "undici";
import type { AppRouter, RouterInputs } from "../../src/root.ts";

/** The server's API, typed from its router: `api.appliance.request.mutate(…)`, `api.admin.overview.get.query()`. */
export type ApiClient = TRPCClient<AppRouter>;

/** The error body the server answers with (`error` of tRPC's JSON, formatted by the server's errorFormatter). */
export interface Refusal {
  message: string;
  code?: number;
  data: {
    code: string;
    reason: string;
    httpStatus: number;
    path?: string;
    retryAfterMs?: number;
    issues?: Array<{ path: string; message: string }>;
  };
}

/** A call's outcome without throwing: the answer, or the HTTP status and the server's refusal. */
export type Settled<T> = { ok: true; data: T } | { ok: false; status: number; error: Refusal };

/** What the typed clients send their HTTP requests through. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Node's fetch keeps an idle connection for the server's advertised `Keep-Alive: timeout` less
 * 2 s; the server closes it 1 s after that timeout. On Node 20, a test process starved for longer
 * than that gap (a loaded machine) sent its next call on a connection the server had closed;
 * Node 24's fetch reads a close that has arrived before it sends, but a close still on its way
 * as a call goes out fails the call the same way: "other side closed", and the server did
 * nothing (closing-server.ts makes that happen on purpose). The kit's calls therefore:
 * - drop idle connections after 1 s, far below any server keep-alive, which leaves a process
 *   starved for seconds on end as the only way in;
 * - send a call that is safe to repeat (a query; `appliance.request`, which carries a requestId;
 *   `appliance.refresh`) once more when its connection closed before any answer came;
 * - send every other call (`appliance.release` gives back sessions again if repeated) on a
 *   connection of its own, which a server never closes as idle.
 * This is about the tests' transport; appliances use @sls/participant (see its transport).
 * The Agents are undici's, handed to Node's own fetch as its `dispatcher`: the undici package is
 * pinned at the version Node.js 24 bundles (`process.versions.undici`), since an Agent of another
 * major (Node 20's undici 6) does not speak the dispatcher interface of Node 24's fetch.
 */
const keptAlive = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });
const ownConnection = new Agent({ pipelining: 0 });
const REPEATABLE = new Set(["appliance.request", "appliance.refresh"]);
const CLOSED_BEFORE_ANSWER = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

function repeatable(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  if (method === "GET") return true;
  const url = new URL(input instanceof Request ? input.url : input);
  return REPEATABLE.has(decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf("/") + 1)));
}

function closedBeforeAnswer(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === "string" && CLOSED_BEFORE_ANSWER.has(code);
}

/** This process's fetch with the connection rules above: what every client of the kit sends through. */
export const steadyFetch: Fetch = async (input, init) => {
  if (!repeatable(input, init)) return fetch(input, { ...init, dispatcher: ownConnection } as RequestInit);
  try {
    return await fetch(input, { ...init, dispatcher: keptAlive } as RequestInit);
  } catch (error) {
    if (!closedBeforeAnswer(error) || init?.signal?.aborted) throw error;
    return fetch(input, { ...init, dispatcher: ownConnection } as RequestInit);
  }
};

/**
 * Awaits a typed call and returns its outcome as data, so a test can assert on a refusal's
 * reason and status. Works for calls over HTTP and for in-process callers alike.
 */
export async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, data: await call };
  } catch (error) {
    if (error instanceof TRPCClientError) {
      // No shape: the server gave no tRPC answer (the connection failed): not a refusal.
      if (!error.shape) throw error;
      const response = (error.meta as { response?: Response } | undefined)?.response;
      return { ok: false, status: response?.status ?? error.shape.data.httpStatus, error: error.shape as Refusal };
    }
    // An in-process caller's error; loaded only then, so that the browser tests never load the server.
    const { refusalOf } = await import("./in-process.ts");
    const refusal = refusalOf(error);
    if (refusal) return refusal;
    throw error;
  }
}

/** A refusal's reason (for `expect(await reasonOf(…)).toBe("BAD_TOKEN")`), or "ok" if it was answered. */
export async function reasonOf(call: Promise<unknown>): Promise<string> {
  const outcome = await settle(call);
  return outcome.ok ? "ok" : outcome.error.data.reason;
}

function links(baseUrl: string, fetcher: Fetch, headers: () => Record<string, string>): TRPCLink<AppRouter>[] {
  // httpLink, not the batch link: one call is one HTTP request, as appliances and the console send.
  return [httpLink({ url: `${baseUrl}/api/trpc`, fetch: fetcher, headers })];
}

function client(baseUrl: string, fetcher: Fetch, headers: () => Record<string, string>): ApiClient {
  return createTRPCClient<AppRouter>({ links: links(baseUrl, fetcher, headers) });
}

/**
 * The typed API over another transport than this process's fetch (the browser tests pass the
 * page's request context, so calls carry the page's cookies). `baseUrl` may be "" when that
 * transport resolves paths itself.
 */
export function createApiClient(
  baseUrl: string,
  options: { fetch: Fetch; headers?: Record<string, string>; retryOverloaded?: boolean },
): ApiClient {
  const headers = options.headers ?? {};
  return client(baseUrl, options.retryOverloaded ? retryingOverloaded(options.fetch) : options.fetch, () => headers);
}

export interface ApplianceClientOptions {
  /** The participant's bearer token (every call after register). */
  token?: string | undefined;
  /**
   * Send a call the server shed as OVERLOADED (nothing done) again after its retryAfterMs, as
   * the contract tells appliances to (default): bursts in tests must not fail because a loaded
   * test machine made the server shed load. Tests of shedding itself turn this off.
   */
  retryOverloaded?: boolean;
}

/** An appliance's view of the API over HTTP: `appliance.*` calls with its bearer token. */
export function applianceClient(baseUrl: string, options: ApplianceClientOptions = {}): ApiClient {
  const { token, retryOverloaded = true } = options;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return client(baseUrl, retryOverloaded ? retryingOverloaded(steadyFetch) : steadyFetch, () => headers);
}

/** A fetch that sends an OVERLOADED call again after the retryAfterMs of its answer (429). */
export function retryingOverloaded(inner: Fetch): Fetch {
  return async (input, init) => {
    for (;;) {
      const response = await inner(input, init);
      if (response.status !== 429) return response;
      const body = (await response.clone().json()) as { error?: { data?: { reason?: string; retryAfterMs?: number } } };
      if (body.error?.data?.reason !== "OVERLOADED") return response;
      const wait = body.error.data.retryAfterMs ?? 1000;
      await new Promise((resolve) => setTimeout(resolve, wait * (1 + Math.random())));
    }
  };
}

export interface ConsoleHeaders {
  /** Leave out the console's header (a cross-site form cannot send it). */
  withoutConsoleHeader?: boolean;
  origin?: string;
}

interface CookieJar {
  cookie: string | null;
  lastSetCookie: string[];
}

/**
 * A browser stand-in for the admin console: keeps the session cookie and sends what the UI
 * sends (the `x-sls-console` header). `trpc` is the typed API; `with(…)` is the same session
 * sending other headers.
 */
export class ConsoleClient {
  readonly trpc: ApiClient;
  /** The same API by path name, for tests that go through every procedure of the router. */
  readonly byPath: TRPCUntypedClient<AppRouter>;

  constructor(
    readonly baseUrl: string,
    headers: ConsoleHeaders = {},
    private readonly jar: CookieJar = { cookie: null, lastSetCookie: [] },
  ) {
    const consoleLinks = links(baseUrl, this.cookieKeepingFetch, () => ({
      ...(headers.withoutConsoleHeader ? {} : { "x-sls-console": "1" }),
      ...(headers.origin ? { origin: headers.origin } : {}),
      ...(this.jar.cookie ? { cookie: this.jar.cookie } : {}),
    }));
    this.trpc = createTRPCClient<AppRouter>({ links: consoleLinks });
    this.byPath = createTRPCUntypedClient<AppRouter>({ links: consoleLinks });
  }

  static for(server: { baseUrl: string }): ConsoleClient {
    return new ConsoleClient(server.baseUrl);
  }

  /** `sls_session=…` as the browser would send it; null when signed out. */
  get cookie(): string | null {
    return this.jar.cookie;
  }
  set cookie(value: string | null) {
    this.jar.cookie = value;
  }
  /** The Set-Cookie headers of the last answer. */
  get lastSetCookie(): string[] {
    return this.jar.lastSetCookie;
  }

  with(headers: ConsoleHeaders): ConsoleClient {
    return new ConsoleClient(this.baseUrl, headers, this.jar);
  }

  private readonly cookieKeepingFetch: Fetch = async (input, init) => {
    const response = await steadyFetch(input, init);
    this.jar.lastSetCookie = response.headers.getSetCookie();
    for (const header of this.jar.lastSetCookie) {
      const [pair] = header.split(";");
      const value = pair?.slice(pair.indexOf("=") + 1) ?? "";
      this.jar.cookie = value === "" ? null : pair!;
    }
    return response;
  };
}

export const SIGN_IN = {
  admin: { name: "root", password: "correct horse battery staple" },
  viewer: { name: "watcher", password: "viewer password 12345" },
};

/** Sets the console up with a first administrator (the setup code read as an operator reads it) and signs in. */
export async function setUpAdmin(
  baseUrl: string,
  setupCode: string,
  account: Omit<RouterInputs["auth"]["setup"], "setupCode"> = SIGN_IN.admin,
): Promise<ConsoleClient> {
  const admin = new ConsoleClient(baseUrl);
  await admin.trpc.auth.setup.mutate({ ...account, setupCode });
  return admin;
}

/** Creates a viewer account with `admin` and returns its signed-in console. */
export async function signedInViewer(
  admin: ConsoleClient,
  account: { name: string; password: string } = SIGN_IN.viewer,
): Promise<ConsoleClient> {
  await admin.trpc.admin.accounts.create.mutate({ ...account, role: "viewer" });
  const viewer = new ConsoleClient(admin.baseUrl);
  await viewer.trpc.auth.login.mutate(account);
  return viewer;
}
