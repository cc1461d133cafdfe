import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertTick } from "../src/alerts/engine.ts";
import { webhookSignature } from "../src/alerts/channels/webhook.ts";
import { LOCAL_RECEIVERS_ENV, startReceivers, type Receivers } from "./kit/alert-receivers.ts";
import { type ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import {
  freshDatabase,
  providers,
  registration,
  registerOk,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";

interface WebhookBody {
  kind: string;
  severity: string;
  message: string;
  detail: Record<string, unknown>;
}

const HOOK_SECRET = "webhook-signing-key-late";
/** The test server's refresh interval (30 s): late past 37.5 s, silent past 67.5 s, reclaimed past 90 s. */
const LATE_AFTER_S = 38;
const SILENT_AFTER_S = 68;

describe.each(providers())("late, silent and recovered participants on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let rx: Receivers;
  /** Tokens that keep refreshing at every step. */
  const alive: string[] = [];

  beforeAll(async () => {
    rx = await startReceivers();
    db = await freshDatabase(provider, "alerts-late");
    server = await startTestServer(db.url, LOCAL_RECEIVERS_ENV);
    admin = await setUpAdmin(server);
    await admin.trpc.admin.alerts.setConfig.mutate({
      pendingAfterMinutes: 60,
      webhook: { url: rx.webhookUrl, format: "json", secret: HOOK_SECRET },
      syslog: null,
      email: null,
    });
    alive.push(await registerOk(server, "KEEP0001"));
  });
  afterAll(async () => {
    await server?.close();
    await rx?.close();
    await db?.drop();
  });

  /** Moves the server's clock on while the live ones keep refreshing, then runs one engine turn. */
  const passAndTick = async (seconds: number, alsoRefresh: string[] = []) => {
    server.clock.advance(seconds);
    for (const token of [...alive, ...alsoRefresh]) await server.api(token).appliance.refresh.mutate({ inUse: 0 });
    await alertTick(server.running.services);
  };
  /** /metrics shares one snapshot per second: wait for one taken after the change. */
  const gauges = (...patterns: RegExp[]) =>
    waitFor(
      async () => {
        const text = await server.running.services.metrics.exposition();
        return patterns.every((p) => p.test(text));
      },
      { what: `the gauges ${patterns.join(", ")}` },
    );
  const hooksFrom = (start: number) =>
    rx.webhooks.slice(start).map((hook) => ({ hook, body: JSON.parse(hook.body) as WebhookBody }));

  it("announces one participant late, then silent, then back, each once, on the overview, the participants page and /metrics", async () => {
    const token = await registerOk(server, "LATE0001", { hostname: "fw1.branch-a.example.net" });
    await passAndTick(0, [token]);
    const start = rx.webhooks.length;

    await passAndTick(LATE_AFTER_S);
    let hooks = hooksFrom(start);
    expect(hooks.map((h) => h.body.kind)).toEqual(["participant-late"]);
    const late = hooks[0]!;
    expect(late.body).toMatchObject({
      kind: "participant-late",
      severity: "warning",
      detail: {
        count: 1,
        serials: ["LATE0001"],
        sites: [{ site: "branch-a.example.net", count: 1 }],
        refreshIntervalSec: 30,
      },
    });
    expect(late.body.message).toContain("LATE0001");
    expect(late.hook.headers["x-sls-signature"]).toBe(
      webhookSignature(HOOK_SECRET, String(late.hook.headers["x-sls-timestamp"]), late.hook.body),
    );
    const overview = await admin.trpc.admin.overview.get.query();
    expect(overview.participants).toMatchObject({ active: 1, late: 1, silent: 0 });
    expect(overview.lateParticipants).toEqual([
      expect.objectContaining({ serial: "LATE0001", state: "late", hostname: "fw1.branch-a.example.net" }),
    ]);
    const listed = await admin.trpc.admin.participants.list.query({ state: "late" });
    expect(listed.rows.map((r) => [r.serial, r.state])).toEqual([["LATE0001", "late"]]);
    await gauges(/^sls_participants\{state="late"\} 1$/m, /^sls_participants\{state="silent"\} 0$/m);

    // Another turn within the same lateness sends nothing.
    await passAndTick(5);
    expect(rx.webhooks.length).toBe(start + 1);

    await passAndTick(SILENT_AFTER_S - LATE_AFTER_S - 5);
    hooks = hooksFrom(start + 1);
    expect(hooks.map((h) => h.body)).toEqual([
      expect.objectContaining({
        kind: "participant-silent",
        severity: "critical",
        detail: expect.objectContaining({ count: 1, serials: ["LATE0001"] }),
      }),
    ]);
    expect((await admin.trpc.admin.overview.get.query()).participants).toMatchObject({ late: 0, silent: 1 });
    await gauges(/^sls_participants\{state="silent"\} 1$/m);

    await passAndTick(1, [token]);
    hooks = hooksFrom(start + 2);
    expect(hooks.map((h) => h.body)).toEqual([
      expect.objectContaining({
        kind: "participant-recovered",
        severity: "info",
        detail: expect.objectContaining({ count: 1, serials: ["LATE0001"] }),
      }),
    ]);
    expect((await admin.trpc.admin.overview.get.query()).participants).toMatchObject({ active: 2, late: 0, silent: 0 });

    // Every alert went out once, and its delivery is recorded.
    await passAndTick(1, [token]);
    expect(rx.webhooks.length).toBe(start + 3);
    const alerts = await admin.trpc.admin.alerts.list.query();
    for (const kind of ["participant-late", "participant-silent", "participant-recovered"]) {
      const mine = alerts.filter((a) => a.kind === kind);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.deliveries.map((d) => `${d.channel}:${d.status}`)).toEqual(["webhook:delivered"]);
    }
    alive.push(token);
  });

  it("makes one digest of 500 participants going late together, naming how many and at which sites", async () => {
    const sites = ["branch-a.example.net", "branch-b.example.net", "hq.example.org"];
    const serial = (i: number) => `WAN${String(i).padStart(4, "0")}`;
    let next = 0;
    const api = server.api();
    const worker = async () => {
      for (let i = next++; i < 500; i = next++)
        await api.appliance.register.mutate(registration(serial(i), { hostname: `fw${i}.${sites[i % 3]}` }));
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await passAndTick(0);
    const start = rx.webhooks.length;

    await passAndTick(LATE_AFTER_S);
    const hooks = hooksFrom(start);
    expect(hooks.map((h) => h.body.kind)).toEqual(["participant-late"]);
    const { detail, message } = hooks[0]!.body;
    expect(detail).toMatchObject({
      count: 500,
      complete: true,
      sites: [
        { site: "branch-a.example.net", count: 167 },
        { site: "branch-b.example.net", count: 167 },
        { site: "hq.example.org", count: 166 },
      ],
    });
    expect(detail.serials).toHaveLength(20);
    expect(message).toMatch(/^500 participants are late: .* at 3 sites: branch-a\.example\.net \(167\)/);
    expect((await admin.trpc.admin.overview.get.query()).participants.late).toBe(500);
  });
  it("sends one alert when two server processes on the database tick together", async () => {
    const second = await startTestServer(db.url, { ...LOCAL_RECEIVERS_ENV, SLS_SERVER_ID: "second" }, server.clock);
    try {
      const quiet = await registerOk(server, "TWOPROC01", { hostname: "fw.two.example.net" });
      await passAndTick(0, [quiet]);
      await alertTick(second.running.services);
      const start = rx.webhooks.length;
      // Time passes for both processes: each beats (as its timer does) before the clock gets past
      // the point where the other would judge it crashed and count silence only from then on.
      for (let passed = 0; passed < LATE_AFTER_S; passed += 2) {
        const next = new Date(server.clock.now() + 2_000);
        for (const { running } of [server, second])
          await running.services.store.processes.heartbeat(running.services.serverId, next);
        server.clock.advance(2);
      }
      for (const token of alive) await server.api(token).appliance.refresh.mutate({ inUse: 0 });
      await Promise.all([alertTick(server.running.services), alertTick(second.running.services)]);
      await Promise.all([alertTick(server.running.services), alertTick(second.running.services)]);
      // The 500 of the digest above went silent meanwhile: one digest of them too, not two.
      expect(hooksFrom(start).map((h) => [h.body.kind, h.body.detail.count])).toEqual([
        ["participant-late", 1],
        ["participant-silent", 500],
      ]);
      expect(hooksFrom(start)[0]!.body.detail.serials).toEqual(["TWOPROC01"]);
    } finally {
      await second.close();
    }
  });
});
