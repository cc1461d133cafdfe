/** One unlabelled figure of a /metrics text. */
function gauge(text: string, url: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${url}/metrics has no ${name}`);
  return Number(line.slice(name.length + 1));
}

/** One unlabelled sample of a server's /metrics. */
async function sample(url: string, name: string): Promise<number> {
  return gauge(await (await fetch(`${url}/metrics`)).text(), url, name);
}

/** Reads one counter from the servers' /metrics and sums it over them. */
async function sumCounter(urls: string[], name: string): Promise<number> {
  let total = 0;
  for (const url of urls) total += await sample(url, name);
  return total;
}

/** Committed batches and the calls in them so far (the group commit's histogram), summed over the processes. */
export async function batchTotals(urls: string[]): Promise<{ batches: number; calls: number }> {
  return {
    batches: await sumCounter(urls, "sls_group_commit_batch_size_count"),
    calls: await sumCounter(urls, "sls_group_commit_batch_size_sum"),
  };
}

/** Seconds the pool lock was held by these server processes so far. */
export function lockSeconds(urls: string[]): Promise<number> {
  return sumCounter(urls, "sls_pool_lock_seconds_total");
}

/** prom-client's event-loop timer interval (`eventLoopMonitoringPrecision`), which its figures include. */
const EVENT_LOOP_SAMPLING_MS = 10;

export interface EventLoopDelay {
  p99Ms: number;
  maxMs: number;
}

/**
 * The largest event-loop delay p99 and maximum among these processes since their previous scrape
 * (prom-client resets its event-loop histogram at each collection), in ms beyond the timer's own
 * interval: an idle loop reads 10 ms there, and 0 here.
 */
export async function eventLoopDelay(urls: string[]): Promise<EventLoopDelay> {
  const worst = { p99Ms: 0, maxMs: 0 };
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const p99Ms = gauge(text, url, "sls_nodejs_eventloop_lag_p99_seconds") * 1000;
    const maxMs = gauge(text, url, "sls_nodejs_eventloop_lag_max_seconds") * 1000;
    worst.p99Ms = Math.max(worst.p99Ms, p99Ms - EVENT_LOOP_SAMPLING_MS);
    worst.maxMs = Math.max(worst.maxMs, maxMs - EVENT_LOOP_SAMPLING_MS);
  }
  return worst;
}

/** The event-loop delay p99 alone (see eventLoopDelay). */
export async function eventLoopDelayP99Ms(urls: string[]): Promise<number> {
  return (await eventLoopDelay(urls)).p99Ms;
}
