import http from "node:http";
import type { CallSource } from "./call-sources.ts";
import type { LoadResult } from "./load.ts";

export interface OpenLoopOptions {
  urls: string[];
  seconds: number;
  /** At most this many calls in flight (one per kept-alive connection). */
  connections: number;
  /** Calls per second, each due at its own instant (1 / rate apart). */
  rate: number;
}

/** A call not answered within this long is counted as a timeout (autocannon's default too). */
const CALL_TIMEOUT_MS = 10_000;

/**
 * An open loop without coordinated omission: call k is due at start + k / rate, whatever the
 * answers so far, and its latency counts from that instant, so a call that waited for a free
 * connection behind a slow answer counts its wait. autocannon's `overallRate` does neither: each
 * connection sends its share of the second back to back as soon as the second starts and then
 * idles, so every second begins with a closed-loop burst of the whole second's calls, and each
 * slow answer is then recorded once per millisecond of its latency (HdrHistogram's expected-interval
 * correction with an interval of 1 ms), which made the old open-loop p99 mostly the burst's tail.
 */
export async function runOpenLoop(source: CallSource, options: OpenLoopOptions): Promise<LoadResult> {
  const agents = options.urls.map(
    () => new http.Agent({ keepAlive: true, maxSockets: options.connections, scheduling: "fifo" }),
  );
  const targets = options.urls.map((url, i) => ({ url: new URL(url), agent: agents[i]! }));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const error = (kind: string) => {
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const start = performance.now();
  const endAt = start + options.seconds * 1000;
  let scheduled = 0;
  let dispatched = 0;
  let inFlight = 0;
  let next = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const send = (dueAt: number) => {
    const call = source.next();
    const target = targets[next++ % targets.length]!;
    inFlight++;
    let done = false;
    const settle = (status: number, body: string, failure?: string) => {
      if (done) return;
      done = true;
      inFlight--;
      if (failure) error(failure);
      else if (status < 200 || status > 299) error(String(status));
      else latencies.push(performance.now() - dueAt);
      source.answered(call.index, status, body);
      pump();
    };
    const req = http.request(
      {
        agent: target.agent,
        host: target.url.hostname,
        port: target.url.port,
        method: "POST",
        path: call.path,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(call.body),
          authorization: `Bearer ${call.token}`,
        },
        timeout: CALL_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => settle(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
        res.on("error", () => settle(0, "", "errors"));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      settle(0, "", "timeouts");
    });
    req.on("error", () => settle(0, "", "errors"));
    req.end(call.body);
  };

  // Sends every call that is due while a connection is free; the others wait, their clock running.
  const pump = () => {
    const now = performance.now();
    const due = Math.min(
      Math.floor((Math.min(now, endAt) - start) / intervalMs) + 1,
      Math.ceil(options.seconds * options.rate),
    );
    if (due > scheduled) scheduled = due;
    while (dispatched < scheduled && inFlight < options.connections) send(start + dispatched++ * intervalMs);
    if (now >= endAt && dispatched === scheduled && inFlight === 0) finish();
  };
  const ticker = setInterval(pump, 1);
  const giveUp = setTimeout(finish, options.seconds * 1000 + CALL_TIMEOUT_MS * 2);
  pump();
  await finished;
  clearInterval(ticker);
  clearTimeout(giveUp);
  for (const agent of agents) agent.destroy();
  if (dispatched < scheduled) errorKinds["never sent"] = scheduled - dispatched;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0
      ? 0
      : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    calls: latencies.length,
    callsPerSec: latencies.length / options.seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    errorKinds,
    seconds: options.seconds,
  };
}
