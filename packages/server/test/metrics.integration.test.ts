import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLicenseServer } from "../src/http/app-server.ts";
import {
  freshDatabase,
  providers,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  settle,
  waitFor,
} from "./kit/test-server.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import { temporaryFolder } from "./kit/temporary-folders.ts";

const TOKEN = "metrics-token-0123456789";

async function scrape(
  baseUrl: string,
  token?: string,
): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`metric ${name} missing from the exposition`);
  return found;
}

/** The value of one series, chosen by its labels. */
function value(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name).metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  if (!sample) throw new Error(`no ${name} series with ${JSON.stringify(labels)}`);
  return Number(sample.value ?? sample.count);
}

/** `promtool check metrics` from Debian's prometheus package, when the machine has it. */
function promtool(text: string): { available: boolean; status: number | null; output: string } {
  const found = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (found.error) return { available: false, status: null, output: "" };
  const file = path.join(temporaryFolder("metrics"), "metrics.txt");
  writeFileSync(file, text);
  const run = spawnSync("sh", ["-c", `promtool check metrics < "${file}"`], { encoding: "utf8" });
  return { available: true, status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.each(providers())("GET /metrics on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase(provider, "metrics");
    server = await startTestServer(db.url, { SLS_METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("refuses a scrape without the bearer token, and with a wrong one", async () => {
    const none = await scrape(server.baseUrl);
    expect(none.status).toBe(401);
    expect((await scrape(server.baseUrl, `${TOKEN}x`)).status).toBe(401);
    expect(none.text).not.toContain("sls_");
  });

  it("exposes pool, participants, calls and process figures in a valid text format, and they move with traffic", async () => {
    const token = await registerOk(server, "METRIC001", { localLimit: 100 });
    expect(await settle(server.api(token).appliance.request.mutate({ sessions: 100, requestId: "r1" }))).toMatchObject({
      ok: true,
    });
    // 150 in use against a local limit of 100: 50 come from the pool.
    expect(await settle(server.api(token).appliance.refresh.mutate({ inUse: 150 }))).toMatchObject({ ok: true });
    expect(await settle(server.api("slt_not-a-token").appliance.refresh.mutate({ inUse: 1 }))).toMatchObject({
      ok: false,
    });

    // Refreshes are written behind (services/leases, every 500 ms): wait for the in-use figure.
    const first = await waitFor(
      async () => {
        const scraped = await scrape(server.baseUrl, TOKEN);
        return value(parsePrometheusTextFormat(scraped.text), "sls_sessions_in_use") === 150 ? scraped : null;
      },
      { what: "the refresh's in-use figure in the database" },
    );
    expect(first.status).toBe(200);
    expect(first.contentType).toContain("text/plain; version=0.0.4");
    const families = parsePrometheusTextFormat(first.text);
    expect(value(families, "sls_pool_size")).toBe(500);
    expect(value(families, "sls_pool_granted")).toBe(100);
    expect(value(families, "sls_pool_available")).toBe(400);
    expect(value(families, "sls_pool_pending")).toBe(0);
    expect(value(families, "sls_sessions_in_use")).toBe(150);
    expect(value(families, "sls_sessions_in_use_from_pool")).toBe(50);
    expect(value(families, "sls_participants", { state: "active" })).toBe(1);
    expect(value(families, "sls_server_role", { role: "main" })).toBe(1);
    expect(value(families, "sls_calls_total", { verb: "register", outcome: "ok" })).toBe(1);
    expect(value(families, "sls_calls_total", { verb: "refresh", outcome: "ok" })).toBe(1);
    expect(value(families, "sls_calls_total", { verb: "refresh", outcome: "BAD_TOKEN" })).toBe(1);
    expect(family(families, "sls_calls_total").type).toBe("COUNTER");
    expect(family(families, "sls_call_duration_seconds").type).toBe("HISTOGRAM");
    // The parser merges a labelled histogram's series into one, so its counts are read from the text.
    expect(first.text).toMatch(/^sls_call_duration_seconds_count\{verb="request"\} 1$/m);
    expect(first.text).toMatch(/^sls_call_duration_seconds_bucket\{le="\+Inf",verb="refresh"\} 2$/m);
    expect(family(families, "sls_group_commit_batch_size").type).toBe("HISTOGRAM");
    expect(family(families, "sls_process_cpu_user_seconds_total").type).toBe("COUNTER");
    for (const f of families) expect(f.name).toMatch(/^sls_[a-z0-9_]+$/);

    const check = promtool(first.text);
    if (!check.available) {
      console.warn("!! promtool not found (apt-get install prometheus): `promtool check metrics` SKIPPED");
    } else {
      // prom-client's own default gauges sls_nodejs_active_{handles,requests,resources}_total carry
      // a _total suffix that promtool's linter flags (exit 3, lint only); anything else fails.
      const problems = check.output
        .split("\n")
        .filter((line) => line && !/^sls_nodejs_active_\w+_total non-counter metrics/.test(line));
      expect(problems).toEqual([]);
      expect([0, 3]).toContain(check.status);
    }

    // The database gauges are cached for at most a second: a later scrape sees the new grant.
    expect(await settle(server.api(token).appliance.request.mutate({ sessions: 200, requestId: "r2" }))).toMatchObject({
      ok: true,
    });
    const moved = await waitFor(
      async () => {
        const later = parsePrometheusTextFormat((await scrape(server.baseUrl, TOKEN)).text);
        return value(later, "sls_pool_granted") === 300 ? later : null;
      },
      { what: "the granted gauge to follow the grant" },
    );
    expect(value(moved, "sls_pool_available")).toBe(200);
    expect(value(moved, "sls_calls_total", { verb: "request", outcome: "ok" })).toBe(2);
  });

  it("backs every query of the Grafana dashboard in docs/ with a metric this server exposes", async () => {
    const dashboard = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, "../../../docs/grafana-dashboard.json"), "utf8"),
    ) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exposed = new Set(parsePrometheusTextFormat((await scrape(server.baseUrl, TOKEN)).text).map((f) => f.name));
    const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(queries.length).toBeGreaterThan(15);
    for (const name of new Set(queries.flatMap((q) => q.match(/sls_[a-z0-9_]+/g) ?? []))) {
      expect(exposed.has(name.replace(/_(bucket|sum|count)$/, "")) || exposed.has(name), `${name} is not exposed`).toBe(
        true,
      );
    }
    // promtool parses each query as a recording rule's expression.
    const rules = `groups:\n  - name: dashboard\n    rules:\n${queries.map((q, i) => `      - record: sls:dashboard_${i}\n        expr: ${JSON.stringify(q)}\n`).join("")}`;
    const file = path.join(temporaryFolder("rules"), "rules.yml");
    writeFileSync(file, rules);
    const run = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
    if (run.error)
      console.warn("!! promtool not found (apt-get install prometheus): the dashboard's PromQL check is SKIPPED");
    else expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });

  it("serves the same registry on the licence port", async () => {
    const license = createLicenseServer(server.running.services);
    await new Promise<void>((resolve) => license.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(license.address() as AddressInfo).port}`;
      expect((await scrape(url)).status).toBe(401);
      const families = parsePrometheusTextFormat((await scrape(url, TOKEN)).text);
      expect(value(families, "sls_pool_size")).toBe(500);
      expect((await fetch(`${url}/api/ready`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => license.close(resolve));
    }
  });

  it("shows each pool-policy group's held, reserved-and-unused, pending and max, on /metrics and the overview", async () => {
    const admin = await setUpAdmin(server);
    const none = parsePrometheusTextFormat((await scrape(server.baseUrl, TOKEN)).text);
    expect(family(none, "sls_group_held").metrics).toEqual([]);
    expect((await admin.trpc.admin.overview.get.query()).groups).toEqual([]);

    // METRIC001 holds 300 of the 500 in the default group; dc reserves 100 it does not use yet.
    await admin.trpc.admin.policy.save.mutate({
      groups: [
        { name: "dc", reserve: 100, max: null, priority: 0, paused: false, serials: ["DC9"], patterns: [] },
        { name: "lab", reserve: 0, max: 100, priority: 0, paused: false, serials: [], patterns: ["LAB*"] },
      ],
      poolPaused: false,
      caps: {},
    });
    const lab = await registerOk(server, "LAB1");
    expect(await server.api(lab).appliance.request.mutate({ sessions: 150, requestId: "lab-1" })).toMatchObject({
      granted: 100,
      pending: 50,
    });

    const expected = [
      { name: "dc", members: 0, held: 0, reserve: 100, reservedUnused: 100, pending: 0, max: null, paused: false },
      { name: "lab", members: 1, held: 100, reserve: 0, reservedUnused: 0, pending: 50, max: 100, paused: false },
      { name: "default", members: 1, held: 300, reserve: 0, reservedUnused: 0, pending: 0, max: null, paused: false },
    ];
    expect((await admin.trpc.admin.overview.get.query()).groups).toEqual(expected);
    const families = await waitFor(
      async () => {
        const scraped = parsePrometheusTextFormat((await scrape(server.baseUrl, TOKEN)).text);
        return value(scraped, "sls_pool_granted") === 400 ? scraped : null;
      },
      { what: "the gauges to follow the lab's grant" },
    );
    for (const g of expected) {
      expect(value(families, "sls_group_held", { group: g.name })).toBe(g.held);
      expect(value(families, "sls_group_reserved_unused", { group: g.name })).toBe(g.reservedUnused);
      expect(value(families, "sls_group_pending", { group: g.name })).toBe(g.pending);
      expect(value(families, "sls_group_members", { group: g.name })).toBe(g.members);
    }
    expect(value(families, "sls_group_max", { group: "lab" })).toBe(100);
    expect(family(families, "sls_group_max").metrics).toHaveLength(1); // no max, no series
  });
});

describe("SLS_METRICS=off", () => {
  it("removes /metrics from the web port", async () => {
    const db = await freshDatabase("sqlite", "metrics-off");
    const server = await startTestServer(db.url, { SLS_METRICS: "off" });
    try {
      expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
      // observing still works (nothing on the request path depends on the endpoint)
      server.running.services.metrics.observeBatch(3);
    } finally {
      await server.close();
    }
  });
});
