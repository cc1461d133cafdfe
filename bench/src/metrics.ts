/** Reads one counter from the servers' /metrics and sums it over them. */
async function sumCounter(urls: string[], name: string): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`${url}/metrics has no ${name}`);
    total += Number(line.slice(name.length + 1));
  }
  return total;
}

/** Seconds the pool lock was held by these server processes so far. */
export function lockSeconds(urls: string[]): Promise<number> {
  return sumCounter(urls, "sls_pool_lock_seconds_total");
}
