import { DAY_MS } from "@sls/allocator";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertTick } from "../src/alerts/engine.ts";
import { setUpAdmin, type ConsoleClient } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";

const POOL = 500;
const TOKEN = "forecast-metrics-token-0123";
/** Demand today (the line's value at today's start) and its rise per day: it reaches the pool in 25 days. */
const TODAY_DEMAND = 400;
const PER_DAY = 4;
const DAYS_TO_POOL = (POOL - TODAY_DEMAND) / PER_DAY;

/**
 * Daily peaks on a straight line with ±3 sessions of alternating noise, written through the
 * store's own `capacity.record` (what the minute sampler calls), one sample standing for the day:
 * months of real minute samples would take too long here.
 */
async function seedHistory(server: TestServer, days: number): Promise<void> {
  const now = server.clock.now();
  const today = now - (now % DAY_MS);
  for (let back = days; back >= 1; back -= 1) {
    const demand = TODAY_DEMAND - PER_DAY * back + (back % 2 === 0 ? 3 : -3);
    const granted = Math.min(demand, POOL);
    const pool = { poolSize: POOL, granted, pending: demand - granted, inUse: granted, inUseFromPool: 0 };
    await server.running.services.store.capacity.record(
      new Date(today - back * DAY_MS + 12 * 3_600_000),
      { pool, participants: [], groups: [] },
      60,
    );
  }
}

/** The gauge's value; NaN when there is no trend. */
async function daysLeftGauge(server: TestServer): Promise<number> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const family = parsePrometheusTextFormat(await response.text()).find(
    (f) => f.name === "sls_capacity_forecast_days_left",
  );
  const sample = family?.metrics[0];
  if (!sample) throw new Error("sls_capacity_forecast_days_left missing from /metrics");
  return Number(sample.value);
}

describe.each(providers())("capacity forecast on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;

  beforeAll(async () => {
    db = await freshDatabase(provider, "forecast");
    server = await startTestServer(db.url, { SLS_POOL_SIZE: String(POOL), SLS_METRICS_TOKEN: TOKEN });
    admin = await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("says 'not enough history' below two weeks of complete days, and no days left in /metrics", async () => {
    await seedHistory(server, 10);
    const forecast = await admin.trpc.admin.capacity.forecast.query();
    expect(forecast.minDays).toBe(14);
    expect(forecast.windows.map((w) => w.trend)).toEqual([
      { fitted: false, days: 10, why: "not-enough-history" },
      { fitted: false, days: 10, why: "not-enough-history" },
    ]);
    expect(forecast.daysLeft).toBeNull();
    expect(await daysLeftGauge(server)).toBeNaN();
  });

  it("fits the seeded trend and gives the date it reaches the pool within a day, with its fit and band", async () => {
    await seedHistory(server, 45);
    const forecast = await admin.trpc.admin.capacity.forecast.query();
    const now = server.clock.now();
    const expected = now - (now % DAY_MS) + DAYS_TO_POOL * DAY_MS;
    expect(forecast.poolSize).toBe(POOL);
    for (const { days, trend } of forecast.windows) {
      if (!trend.fitted) throw new Error(`no trend over ${days} days`);
      expect(trend.days).toBe(Math.min(days, 45));
      expect(trend.slopePerDay).toBeCloseTo(PER_DAY, 0);
      expect(trend.r2).toBeGreaterThan(0.9);
      expect(trend.r2).toBeLessThan(1);
      expect(Math.abs(Date.parse(trend.reachAt!) - expected)).toBeLessThan(DAY_MS);
      expect(Date.parse(trend.reachEarliest!)).toBeLessThan(Date.parse(trend.reachAt!));
      expect(Date.parse(trend.reachLatest!)).toBeGreaterThan(Date.parse(trend.reachAt!));
    }
    expect(forecast.daysLeft).not.toBeNull();
    expect(Math.abs(forecast.daysLeft! - (expected - now) / DAY_MS)).toBeLessThan(1);
    // Scrapes share a snapshot for a second: the one of the test before may still be served.
    await waitFor(async () => Math.abs((await daysLeftGauge(server)) - forecast.daysLeft!) < 0.01, {
      what: "sls_capacity_forecast_days_left to show the days left",
    });
  });

  it("alerts once when fewer days remain than the alerts form's setting, clears above it, and alerts again", async () => {
    const { services } = server.running;
    const config = (forecastDays: number) =>
      admin.trpc.admin.alerts.setConfig.mutate({
        pendingAfterMinutes: 15,
        webhook: null,
        syslog: null,
        email: null,
        forecastDays,
      });
    const forecastAlerts = async () =>
      (await admin.trpc.admin.alerts.list.query()).filter((a) => a.kind === "capacity-forecast");

    await expect(config(0)).rejects.toThrow(/forecastDays.*must be 1–365 days/s);
    expect((await admin.trpc.admin.alerts.config.query()).forecastDays).toBe(30);

    await config(20);
    await alertTick(services);
    expect(await forecastAlerts()).toHaveLength(0);

    await config(30);
    await alertTick(services);
    await alertTick(services);
    const raised = await forecastAlerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ severity: "warning" });
    expect(raised[0]!.message).toMatch(/around \d{4}-\d{2}-\d{2} on its 30-day trend: 24 days left \(alert below 30\)/);

    await config(20);
    await alertTick(services);
    await config(30);
    await alertTick(services);
    expect(await forecastAlerts()).toHaveLength(2);
  });
});
