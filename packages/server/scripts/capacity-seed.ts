import { HOUR_MS } from "@sls/allocator";
import type { Store } from "@sls/db";

/** A demo fleet: serial, local limit, and its usual weekday peak of sessions asked for. */
const FLEET = [
  { serial: "JAD2231A0BC", localLimit: 250, peak: 1500 },
  { serial: "JAD2231A0BD", localLimit: 250, peak: 1150 },
  { serial: "FTX1840W1AB", localLimit: 100, peak: 800 },
  { serial: "FTX1840W1AC", localLimit: 100, peak: 500 },
  { serial: "FCH2210L0QZ", localLimit: 50, peak: 350 },
  { serial: "FCH2210L0RA", localLimit: 50, peak: 300 },
  { serial: "FCH2210L0RB", localLimit: 25, peak: 220 },
  { serial: "FTX2011E3MM", localLimit: 500, peak: 1400 },
];

/** Deterministic noise in [0, 1) for the n-th draw (the classic sine hash): the same history every run. */
function noise(n: number): number {
  const x = Math.sin(n * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** Office hours with a morning and an afternoon peak; weekends at a fifth. */
function load(at: Date): number {
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  const day = Math.exp(-((hour - 10) ** 2) / 6) + 0.85 * Math.exp(-((hour - 15) ** 2) / 5);
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? 0.2 : 1;
  return Math.min(1, 0.05 + day * weekend);
}

/**
 * Writes `days` of hourly capacity samples (each standing for 60 minutes) through the same
 * `CapacityRepository.record` the live sampler uses: grants served first come, first served
 * from a pool of `poolSize`, the rest pending; with `growthPerDay`, each day's demand grows by that
 * share of the first day's (a trend for the forecast). For the demo, screenshots and the capacity
 * and outages specs.
 */
export async function seedCapacityHistory(
  store: Store,
  options: { days: number; poolSize: number; now: number; growthPerDay?: number },
): Promise<number> {
  let draws = 0;
  const next = () => {
    draws += 1;
    return noise(draws);
  };
  const end = options.now - (options.now % HOUR_MS);
  let hours = 0;
  const start = end - options.days * 24 * HOUR_MS;
  for (let at = start; at < end; at += HOUR_MS) {
    const when = new Date(at);
    const growth = 1 + (options.growthPerDay ?? 0) * Math.floor((at - start) / (24 * HOUR_MS));
    let available = options.poolSize;
    const participants = FLEET.map((unit, i) => {
      const demand = Math.round((unit.peak * growth * load(when) * (0.85 + 0.3 * next())) / 50) * 50;
      const granted = Math.min(demand, Math.floor(available / 50) * 50);
      available -= granted;
      const inUse = Math.min(
        unit.localLimit + granted,
        Math.round((unit.localLimit + granted) * (0.7 + 0.25 * next())),
      );
      return {
        participantId: `ptc_seed${i}`,
        serial: unit.serial,
        granted,
        pending: demand - granted,
        inUse,
        inUseFromPool: Math.min(granted, Math.max(0, inUse - unit.localLimit)),
      };
    });
    const sum = (pick: (p: (typeof participants)[number]) => number) => participants.reduce((s, p) => s + pick(p), 0);
    const pool = {
      poolSize: options.poolSize,
      granted: sum((p) => p.granted),
      pending: sum((p) => p.pending),
      inUse: sum((p) => p.inUse),
      inUseFromPool: sum((p) => p.inUseFromPool),
    };
    if (await store.capacity.record(when, { pool, participants, groups: [] }, 60)) hours += 1;
  }
  return hours;
}
