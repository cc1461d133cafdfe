// One scrape of a server's GET /metrics (Prometheus text), read for the storm figures.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
}

/** Reads GET /metrics once; a server too busy to answer within `timeoutMs` is an error. */
export async function scrapeMetrics(baseUrl: string, timeoutMs = 30_000): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${baseUrl}/metrics answered HTTP ${response.status}`);
  return { samples: parseExposition(await response.text()) };
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? [])
      labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** What happened between two scrapes of one process: every counter and bucket minus its earlier value. */
export function since(after: Scrape, before: Scrape | null): Scrape {
  if (!before) return after;
  const key = (sample: Sample) => `${sample.name}${JSON.stringify(sample.labels)}`;
  const earlier = new Map(before.samples.map((sample) => [key(sample), sample.value]));
  return {
    samples: after.samples.map((sample) => ({ ...sample, value: sample.value - (earlier.get(key(sample)) ?? 0) })),
  };
}

/** Σ of a metric's samples whose labels include `where`. */
export function total(scrape: Scrape, name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const sample of scrape.samples) {
    if (sample.name === name && Object.entries(where).every(([k, v]) => sample.labels[k] === v)) sum += sample.value;
  }
  return sum;
}

/** A histogram's cumulative buckets whose labels include `where` (summed over its other labels), by upper bound. */
export function buckets(
  scrape: Scrape,
  name: string,
  where: Record<string, string> = {},
): Array<{ le: number; count: number }> {
  const byBound = new Map<number, number>();
  for (const sample of scrape.samples) {
    if (sample.name !== `${name}_bucket`) continue;
    if (!Object.entries(where).every(([k, v]) => sample.labels[k] === v)) continue;
    const le = sample.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  return [...byBound.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** The upper bound of the bucket that holds the q-quantile (what Prometheus can tell of it). */
export function quantileBound(
  scrape: Scrape,
  name: string,
  q: number,
  where: Record<string, string> = {},
): number | null {
  const all = buckets(scrape, name, where);
  const count = all.at(-1)?.count ?? 0;
  if (count === 0) return null;
  return all.find((bucket) => bucket.count >= q * count)!.le;
}

/** How many observations fell in each bucket (not cumulative), labelled by their upper bound. */
export function distribution(scrape: Scrape, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  let below = 0;
  for (const { le, count } of buckets(scrape, name)) {
    if (count - below > 0) out[`≤${le}`] = count - below;
    below = count;
  }
  return out;
}
