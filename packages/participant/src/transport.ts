import { ApplianceError, UnreachableError } from "./errors.ts";
import type { Calls, Verb } from "./protocol.ts";
import type { FetchLike } from "./trusting-fetch.ts";

export interface CallOptions {
  token?: string | undefined;
  /** Aborted by the client when its call timeout passes. */
  signal?: AbortSignal | undefined;
}

/**
 * One appliance call to one server. Resolves to the answer's `data`; rejects with
 * `ApplianceError` when the server refused, `UnreachableError` when there was no usable answer.
 */
export interface Transport {
  call<V extends Verb>(
    baseUrl: string,
    verb: V,
    input: Calls[V]["input"],
    options?: CallOptions,
  ): Promise<Calls[V]["answer"]>;
}

interface TrpcBody {
  result?: { data: unknown };
  error?: { message?: string; data?: { code?: string; reason?: string; httpStatus?: number; retryAfterMs?: unknown } };
}

/**
 * A kept-alive connection can be closed by the server just as a call is sent on it: the client
 * keeps an idle connection for the server's advertised keep-alive less a margin, and the server's
 * close may be on its way as the call goes out. (On Node 20, a process starved past that margin,
 * a busy appliance, even sent on a connection whose close had already arrived; Node 24's fetch
 * reads such a close first and takes a new connection, which narrows the window but does not
 * close it.) The call fails before any answer ("other side closed", ECONNRESET) and the server did
 * nothing. Such a call is sent once more, on a new connection (the failed one is gone), when it
 * is safe to repeat: `request` carries its requestId, `refresh` reports the same figures. Not
 * `release` (it would give back twice had the server acted before the connection broke) nor
 * `register` and `transfer`: those fail as unreachable, as before, and the caller's back-off and
 * failover handle them. Without this, one such close looked like a server down: a failover to
 * the backup, or the grace period starting.
 */
const REPEATABLE: ReadonlySet<Verb> = new Set<Verb>(["request", "refresh"]);
const CLOSED_BEFORE_ANSWER = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

function closedBeforeAnswer(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return [code, cause?.code].some((c) => typeof c === "string" && CLOSED_BEFORE_ANSWER.has(c));
}

/** `POST <baseUrl>/api/trpc/appliance.<verb>` with a JSON body, through Node's global fetch. */
export const fetchTransport: Transport = createFetchTransport(fetch);

/** The same calls through another fetch, e.g. one that trusts a private CA (trusting-fetch.ts). */
export function createFetchTransport(fetchImpl: FetchLike): Transport {
  return {
    call(baseUrl, verb, input, options) {
      return callOver(fetchImpl, baseUrl, verb, input, options);
    },
  };
}

async function callOver<V extends Verb>(
  fetchImpl: FetchLike,
  baseUrl: string,
  verb: V,
  input: Calls[V]["input"],
  options: CallOptions = {},
): Promise<Calls[V]["answer"]> {
  const url = `${baseUrl}/api/trpc/appliance.${verb}`;
  const send = () =>
    fetchImpl(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(input),
      signal: options.signal ?? null,
    });
  let response: Response;
  let text: string;
  try {
    try {
      response = await send();
    } catch (cause) {
      if (!REPEATABLE.has(verb) || !closedBeforeAnswer(cause) || options.signal?.aborted) throw cause;
      response = await send();
    }
    text = await response.text();
  } catch (cause) {
    throw new UnreachableError(baseUrl, `no answer from ${url}: ${describe(cause)}`, { cause });
  }
  const body = parseJson(text);
  if (body?.result) return body.result.data as never;
  const data = body?.error?.data;
  if (data?.code && data.reason) {
    throw new ApplianceError(
      data.code,
      data.reason,
      body?.error?.message ?? data.reason,
      data.httpStatus ?? response.status,
      {
        retryAfterMs: retryAfterMsOf(data.retryAfterMs),
      },
    );
  }
  // A proxy's error page or some other service on that port: not the licensing server.
  throw new UnreachableError(baseUrl, `${url} answered HTTP ${response.status} without a tRPC result or error`);
}

/** `error.data.retryAfterMs` (OVERLOADED, RATE_LIMITED, STARTING) when it is a usable duration; anything else is ignored. */
function retryAfterMsOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
}

function parseJson(text: string): TrpcBody | null {
  try {
    return JSON.parse(text) as TrpcBody;
  } catch {
    return null;
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? cause.message;
}
