import autocannon from "autocannon";
import type { CallSource } from "./call-sources.ts";

export interface LoadResult {
  calls: number;
  callsPerSec: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** The non-2xx answers by HTTP status, and connection errors / timeouts. */
  errorKinds: Record<string, number>;
  seconds: number;
}

export interface LoadOptions {
  urls: string[];
  seconds: number;
  connections: number;
  /** Calls per second from all connections together; unlimited when absent. */
  rate?: number;
}

/** Runs autocannon with calls from `source` (each with its own bearer token) against `urls`. */
export async function runLoad(source: CallSource, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.urls.length === 1 ? options.urls[0]! : options.urls,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        setupRequest: (request, context) => {
          const call = source.next();
          context.index = call.index;
          return {
            ...request,
            method: "POST",
            path: call.path,
            headers: { "content-type": "application/json", authorization: `Bearer ${call.token}` },
            body: call.body,
          };
        },
        onResponse: (status, body, context) => source.answered(context.index as number, status, body),
      },
    ],
  });
  return {
    calls: result.requests.total,
    callsPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    errorKinds: errorKinds(result),
    seconds: result.duration,
  };
}

function errorKinds(result: autocannon.Result): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith("2")) kinds[`HTTP ${status}`] = Number(count);
  }
  if (result.timeouts) kinds.timeouts = result.timeouts;
  if (result.errors - result.timeouts > 0) kinds["connection errors"] = result.errors - result.timeouts;
  return kinds;
}
