import { DAY_MS } from "@sls/allocator";
import { auditEvents } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_KINDS } from "../src/alerts/alert-kinds.ts";
import type { RouterInputs } from "../src/root.ts";
import { webhookSignature } from "../src/alerts/channels/webhook.ts";
import { MAX_ATTEMPTS } from "../src/alerts/deliver.ts";
import { alertTick } from "../src/alerts/engine.ts";
import { sweepSilentParticipants } from "../src/services/sweeper.ts";
import { HOOK_KEY, LOCAL_RECEIVERS_ENV, startReceivers, type Receivers } from "./kit/alert-receivers.ts";
import { ADMIN_PASSWORD, ConsoleClient, setUpAdmin, signedInViewer } from "./kit/console-client.ts";
import { freePort } from "./kit/processes.ts";
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

const HOOK_SECRET = "webhook-signing-key-123";

describe.each(providers())("alert delivery on %s", (provider) => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let rx: Receivers;

  const channels = (): RouterInputs["admin"]["alerts"]["setConfig"] => ({
    pendingAfterMinutes: 1,
    webhook: { url: rx.webhookUrl, format: "json", secret: HOOK_SECRET },
    syslog: { host: "127.0.0.1", port: rx.syslogPort, transport: "udp" },
    email: {
      host: "127.0.0.1",
      port: rx.smtpPort,
      secure: false,
      // The test mail server offers no STARTTLS.
      requireTls: false,
      from: "sls@example.net",
      to: ["noc@example.net"],
      user: null,
      password: null,
    },
  });

  beforeAll(async () => {
    rx = await startReceivers();
    db = await freshDatabase(provider, "alerts");
    server = await startTestServer(db.url, LOCAL_RECEIVERS_ENV);
    admin = await setUpAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
    await rx?.close();
    await db?.drop();
  });

  it("refuses a bad channel with a clear message and changes nothing", async () => {
    const bad = await settle(
      admin.trpc.admin.alerts.setConfig.mutate({
        ...channels(),
        webhook: { url: "ftp://example.net/x", format: "json", secret: null },
      }),
    );
    expect(bad).toMatchObject({ ok: false, status: 400, error: { data: { reason: "INVALID_INPUT" } } });
    if (!bad.ok) expect(bad.error.message).toContain("webhook.url");
    expect(await admin.trpc.admin.alerts.config.query()).toMatchObject({
      webhook: null,
      syslog: null,
      email: null,
      pendingAfterMinutes: 15,
    });
  });

  it("saves the channels (audited, secrets never shown) and sends a test to each", async () => {
    await admin.trpc.admin.alerts.setConfig.mutate(channels());
    const config = await admin.trpc.admin.alerts.config.query();
    expect(config).toMatchObject({
      pendingAfterMinutes: 1,
      webhook: { origin: new URL(rx.webhookUrl).origin, secretSet: true },
      email: { passwordSet: false, requireTls: false },
    });
    expect(JSON.stringify(config)).not.toContain(HOOK_SECRET);
    expect(JSON.stringify(config)).not.toContain(HOOK_KEY);
    const [audit] = await auditEvents(server.running.services.store, { types: ["admin.alerts"] });
    expect(audit).toMatchObject({ actor: "admin:root" });
    expect(audit?.detail).not.toContain(HOOK_SECRET);
    expect(audit?.detail).not.toContain(HOOK_KEY);

    for (const channel of ["webhook", "syslog", "email"] as const) {
      expect(await admin.trpc.admin.alerts.sendTest.mutate({ channel })).toMatchObject({
        channel,
        status: "delivered",
        attempts: 1,
      });
    }
    await waitFor(async () => rx.syslogUdp.length >= 1, { what: "the test syslog datagram" });
    expect(rx.webhooks).toHaveLength(1);
    expect(rx.mails).toHaveLength(1);
    expect(JSON.parse(rx.webhooks[0]!.body)).toMatchObject({ kind: "test", severity: "info" });
  });

  it("delivers every kind of alert to every channel", async () => {
    const { services } = server.running;
    const clock = server.clock;
    const start = { webhooks: rx.webhooks.length, udp: rx.syslogUdp.length, mails: rx.mails.length };

    // Utilisation: 450 of 500 granted is the default 90 % threshold.
    const big = await registerOk(server, "ALERT0001", { platformLimit: 1000 });
    expect(await settle(server.api(big).appliance.request.mutate({ sessions: 450, requestId: "a" }))).toMatchObject({
      ok: true,
    });
    // Pending: another asks for more than is left, and stays unserved for over a minute.
    const small = await registerOk(server, "ALERT0002");
    expect(await settle(server.api(small).appliance.request.mutate({ sessions: 100, requestId: "b" }))).toMatchObject({
      ok: true,
      data: { pending: 50 },
    });
    await alertTick(services);
    clock.advance(61);
    await server.api(big).appliance.refresh.mutate({ inUse: 0 });
    await server.api(small).appliance.refresh.mutate({ inUse: 0 });
    await alertTick(services);
    // Reclaim: the small one falls silent for 3 refresh intervals and the sweep takes its grant.
    clock.advance(30);
    await server.api(big).appliance.refresh.mutate({ inUse: 0 });
    clock.advance(31);
    await server.api(big).appliance.refresh.mutate({ inUse: 0 });
    clock.advance(31);
    expect(await sweepSilentParticipants(services)).toBe(1);
    // The backup's events, written to the audit history as the backup role and the hand-back
    // write them (their real flows run in backup*.integration.test.ts).
    const at = new Date(clock.now());
    await services.store.backup.audit([
      { at, type: "backup-takeover", actor: "system:backup", detail: { mainUrl: "http://main.example.net:3000" } },
      {
        at,
        type: "backup-alert",
        actor: "system:backup",
        detail: { alert: "ACTIVE_15_DAYS", message: "the backup server has been serving for 15 days" },
      },
      {
        at,
        type: "backup-alert",
        actor: "system:backup",
        detail: { alert: "LIMIT_REACHED", message: "the backup server reached its operating limit" },
      },
      { at, type: "handback", actor: "system:handback", serial: "ALERT0001", grantedDelta: 0 },
      {
        at,
        type: "backup.handback-failed",
        actor: "system:handback",
        detail: { address: "backup.example.net:3000", cause: "connection refused" },
      },
      {
        at,
        type: "backup.link-refused",
        actor: "system:sync",
        detail: { mainUrl: "http://main.example.net:3000", cause: "the main server refused the call: BAD_SECRET" },
      },
    ]);
    // Capacity forecast: two weeks of daily peaks rising 10 a day reach the pool of 500 within days.
    const today = clock.now() - (clock.now() % DAY_MS);
    for (let back = 14; back >= 1; back -= 1) {
      const demand = 440 - 10 * back;
      const pool = { poolSize: 500, granted: demand, pending: 0, inUse: 0, inUseFromPool: 0 };
      await services.store.capacity.record(new Date(today - back * DAY_MS), { pool, participants: [], groups: [] });
    }
    await alertTick(services);

    // The engine's holder counts the reclaims it reads in sls_reclaims_total.
    expect(await services.metrics.exposition()).toMatch(/^sls_reclaims_total\{cause="reclaim"\} 1$/m);

    // Late, silent and recovered participants have their own file (alerts-late.integration.test.ts).
    const kinds = ALERT_KINDS.filter((k) => k !== "test" && !k.startsWith("participant-"));
    const alerts = await admin.trpc.admin.alerts.list.query();
    expect(new Set(alerts.map((a) => a.kind).filter((k) => !k.startsWith("participant-")))).toEqual(
      new Set([...kinds, "test"]),
    );
    for (const alert of alerts.filter((a) => a.kind !== "test")) {
      expect(alert.deliveries.map((d) => `${d.channel}:${d.status}`).sort()).toEqual([
        "email:delivered",
        "syslog:delivered",
        "webhook:delivered",
      ]);
    }
    expect(alerts.find((a) => a.kind === "reclaim")?.message).toContain("ALERT0002");

    await waitFor(async () => rx.syslogUdp.length >= start.udp + kinds.length, { what: "a syslog datagram per kind" });
    const hooks = rx.webhooks.slice(start.webhooks);
    expect(hooks.map((h) => JSON.parse(h.body).kind).sort()).toEqual([...kinds].sort());
    for (const hook of hooks) {
      const timestamp = String(hook.headers["x-sls-timestamp"]);
      expect(hook.headers["x-sls-signature"]).toBe(webhookSignature(HOOK_SECRET, timestamp, hook.body));
    }
    const datagrams = rx.syslogUdp.slice(start.udp);
    for (const kind of kinds) {
      expect(
        datagrams.some((d) =>
          new RegExp(`^<1(30|32|34)>1 \\S+Z \\S+ sls \\d+ ${kind} \\[sls@32473 kind="${kind}" `).test(d),
        ),
      ).toBe(true);
    }
    const mails = rx.mails.slice(start.mails);
    for (const kind of kinds)
      expect(mails.some((m) => new RegExp(`^x-sls-alert-kind: ${kind}\r?$`, "im").test(m))).toBe(true);

    // Conditions are raised once per episode: another tick sends nothing new.
    await alertTick(services);
    expect(rx.webhooks.length).toBe(start.webhooks + kinds.length);
  });

  it("measures how long a pending ask waited until the pool served it", async () => {
    const { services } = server.running;
    const clock = server.clock;
    const big = await registerOk(server, "ALERT0001", { platformLimit: 1000 });
    const waiter = await registerOk(server, "ALERT0003");
    // 50 sessions are left: the waiter gets them and waits for 50 more.
    expect(await settle(server.api(waiter).appliance.request.mutate({ sessions: 100, requestId: "w" }))).toMatchObject({
      ok: true,
      data: { granted: 50, pending: 50 },
    });
    await alertTick(services);
    clock.advance(60);
    await server.api(waiter).appliance.refresh.mutate({ inUse: 0 });
    expect(await settle(server.api(big).appliance.release.mutate({ sessions: 50 }))).toMatchObject({ ok: true });
    await alertTick(services);
    const text = await services.metrics.exposition();
    expect(text).toMatch(/^sls_pending_wait_seconds_count 1$/m);
    expect(text).toMatch(/^sls_pending_wait_seconds_sum 60$/m);
  });

  it("a wait withdrawn by a release is not a wait served, and the next wait counts from its own start", async () => {
    const { services } = server.running;
    const clock = server.clock;
    const waits = async () => {
      const text = await services.metrics.exposition();
      const figure = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
      return { count: figure("sls_pending_wait_seconds_count"), sum: figure("sls_pending_wait_seconds_sum") };
    };
    const before = await waits();
    const big = await registerOk(server, "ALERT0001", { platformLimit: 1000 });
    const waiter = await registerOk(server, "ALERT0004");
    // The pool is fully granted: the ask waits, and a release of nothing withdraws it.
    expect(await settle(server.api(waiter).appliance.request.mutate({ sessions: 50, requestId: "a" }))).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 50 },
    });
    await alertTick(services);
    clock.advance(60);
    await server.api(big).appliance.refresh.mutate({ inUse: 0 });
    expect(await settle(server.api(waiter).appliance.release.mutate({ sessions: 0 }))).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 0 },
    });
    await alertTick(services);
    clock.advance(60);
    await server.api(big).appliance.refresh.mutate({ inUse: 0 });
    expect(await settle(server.api(waiter).appliance.request.mutate({ sessions: 50, requestId: "b" }))).toMatchObject({
      ok: true,
      data: { granted: 0, pending: 50 },
    });
    await alertTick(services);
    clock.advance(30);
    expect(await settle(server.api(big).appliance.release.mutate({ sessions: 50 }))).toMatchObject({ ok: true });
    await alertTick(services);
    expect(await waits()).toEqual({ count: before.count + 1, sum: before.sum + 30 });
  });

  it("sends Slack-shaped webhooks and syslog over TCP", async () => {
    // The URL left out: the stored one is kept (the form's empty field).
    await admin.trpc.admin.alerts.setConfig.mutate({
      ...channels(),
      webhook: { format: "slack" },
      syslog: { host: "127.0.0.1", port: rx.tcpPort, transport: "tcp" },
    });
    expect(await admin.trpc.admin.alerts.config.query()).toMatchObject({
      webhook: { format: "slack", secretSet: true },
    });
    await admin.trpc.admin.alerts.sendTest.mutate({ channel: "webhook" });
    await admin.trpc.admin.alerts.sendTest.mutate({ channel: "syslog" });
    expect(rx.webhooks[rx.webhooks.length - 1]!.url).toContain(HOOK_KEY);
    const slack = JSON.parse(rx.webhooks[rx.webhooks.length - 1]!.body);
    expect(slack.text).toMatch(/^\[INFO\] Test alert sent by root/);
    expect(slack.blocks[0].text.type).toBe("mrkdwn");
    await waitFor(async () => rx.syslogTcp.length === 1, { what: "the TCP syslog frame" });
    expect(rx.syslogTcp[0]).toMatch(
      /^<134>1 \S+ \S+ sls \d+ test \[sls@32473 kind="test" severity="info" server="[^"]+"\] \uFEFFTest alert/,
    );
  });

  it("sends a test alert once, even when the engine's delivery pass runs while it is being sent", async () => {
    await admin.trpc.admin.alerts.setConfig.mutate(channels());
    const tests = () => rx.webhooks.filter((hook) => hook.body.includes("Test alert sent by")).length;
    const before = tests();
    const hold = rx.holdNextWebhook();
    const sent = admin.trpc.admin.alerts.sendTest.mutate({ channel: "webhook" });
    await hold.arrived;
    await alertTick(server.running.services);
    hold.release();
    expect(await sent).toMatchObject({ status: "delivered", attempts: 1 });
    expect(tests() - before).toBe(1);
  });

  it("retries a failed delivery with back-off and gives up after the last attempt", async () => {
    const { services } = server.running;
    // Past the reclaim cutoff of the participants above: the clock's jumps below make none of them
    // late (an alert of its own whose delivery would take one of the failures).
    server.clock.advance(100);
    rx.failNextWebhooks(MAX_ATTEMPTS);
    const first = await admin.trpc.admin.alerts.sendTest.mutate({ channel: "webhook" });
    expect(first).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("HTTP 500") });
    expect(Date.parse(first.nextAttemptAt!) - server.clock.now()).toBe(10_000);
    // Not due yet: nothing is sent.
    await alertTick(services);
    let delivery = (await admin.trpc.admin.alerts.list.query())[0]!.deliveries[0]!;
    expect(delivery.attempts).toBe(1);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt += 1) {
      server.clock.ms = Date.parse(delivery.nextAttemptAt!);
      await alertTick(services);
      delivery = (await admin.trpc.admin.alerts.list.query())[0]!.deliveries[0]!;
      expect(delivery.attempts).toBe(attempt);
    }
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      nextAttemptAt: null,
      lastError: expect.stringContaining("HTTP 500"),
    });
  });

  it("shows the webhook URL to nobody: config, audit history and delivery errors carry its origin only", async () => {
    await admin.trpc.admin.alerts.setConfig.mutate(channels());
    const viewer = await signedInViewer(server, admin);
    const origin = new URL(rx.webhookUrl).origin;
    for (const reader of [admin, viewer]) {
      const config = JSON.stringify(await reader.trpc.admin.alerts.config.query());
      expect(config).toContain(origin);
      expect(config).not.toContain(HOOK_KEY);
      const audit = JSON.stringify(await reader.trpc.admin.audit.list.query({ filter: { actor: "admin:" } }));
      expect(audit).toContain(origin);
      expect(audit).not.toContain(HOOK_KEY);
    }

    // An answer of 500, then no answer at all from a URL with the key in its user, path and query.
    rx.failNextWebhooks(1);
    const failed = await admin.trpc.admin.alerts.sendTest.mutate({ channel: "webhook" });
    expect(failed.lastError).toContain("HTTP 500");
    const closed = `http://${HOOK_KEY}:${HOOK_KEY}@127.0.0.1:${await freePort()}/hooks/${HOOK_KEY}?key=${HOOK_KEY}`;
    await admin.trpc.admin.alerts.setConfig.mutate({ ...channels(), webhook: { url: closed, format: "json" } });
    const unreachable = await admin.trpc.admin.alerts.sendTest.mutate({ channel: "webhook" });
    expect(unreachable).toMatchObject({ status: "pending", lastError: expect.stringContaining("unreachable") });
    for (const delivery of [failed, unreachable]) expect(delivery.lastError).not.toContain(HOOK_KEY);
    for (const reader of [admin, viewer]) {
      expect(JSON.stringify(await reader.trpc.admin.alerts.list.query())).not.toContain(HOOK_KEY);
      expect(JSON.stringify(await reader.trpc.admin.alerts.config.query())).not.toContain(HOOK_KEY);
    }
    await admin.trpc.admin.alerts.setConfig.mutate(channels());
  });

  it("requires STARTTLS for e-mail unless the channel switches it off", async () => {
    const { requireTls: _plain, ...email } = channels().email!;
    const mails = rx.mails.length;
    await admin.trpc.admin.alerts.setConfig.mutate({ ...channels(), email });
    expect((await admin.trpc.admin.alerts.config.query()).email).toMatchObject({ requireTls: true });
    const refused = await admin.trpc.admin.alerts.sendTest.mutate({ channel: "email" });
    expect(refused).toMatchObject({ status: "pending", lastError: expect.stringContaining("STARTTLS") });
    expect(refused.lastError).toContain("refused");
    expect(rx.mails).toHaveLength(mails);

    await admin.trpc.admin.alerts.setConfig.mutate(channels());
    expect(await admin.trpc.admin.alerts.sendTest.mutate({ channel: "email" })).toMatchObject({
      status: "delivered",
    });
    expect(rx.mails).toHaveLength(mails + 1);
  });

  it("refuses loopback and link-local destinations without SLS_ALERT_ALLOW_LOCAL_DESTINATIONS, when saved and when sent", async () => {
    await admin.trpc.admin.alerts.setConfig.mutate(channels());
    // A second process on the same database (and clock) without the variable.
    const strict = await startTestServer(db.url, {}, server.clock);
    try {
      const strictAdmin = ConsoleClient.for(strict);
      await strictAdmin.trpc.auth.login.mutate({ name: "root", password: ADMIN_PASSWORD });
      const before = await strictAdmin.trpc.admin.alerts.config.query();
      const email = channels().email!;
      const none = { pendingAfterMinutes: 1, webhook: null, syslog: null, email: null };
      const local: Array<[Partial<typeof none> | object, string]> = [
        [{ webhook: { url: rx.webhookUrl, format: "json" } }, "webhook.url"],
        [{ webhook: { url: "http://[::1]:8080/hook", format: "json" } }, "webhook.url"],
        [{ webhook: { url: "http://169.254.169.254/latest/meta-data", format: "json" } }, "webhook.url"],
        [{ syslog: { host: "localhost", port: 514, transport: "udp" } }, "syslog.host"],
        [{ syslog: { host: "0.0.0.0", port: 514, transport: "tcp" } }, "syslog.host"],
        [{ email: { ...email, host: "::ffff:127.0.0.1" } }, "email.host"],
        [{ email: { ...email, host: "fe80::1" } }, "email.host"],
      ];
      for (const [patch, field] of local) {
        const refused = await settle(strictAdmin.trpc.admin.alerts.setConfig.mutate({ ...none, ...patch }));
        expect(refused, JSON.stringify(patch)).toMatchObject({
          ok: false,
          status: 400,
          error: { data: { reason: "INVALID_INPUT" } },
        });
        if (!refused.ok) {
          expect(refused.error.message).toContain(field);
          expect(refused.error.message).toContain("SLS_ALERT_ALLOW_LOCAL_DESTINATIONS=on");
        }
      }
      expect(await strictAdmin.trpc.admin.alerts.config.query()).toEqual(before);

      // Saved by the process that allows them, sent by the one that does not: refused at delivery.
      const received = { webhooks: rx.webhooks.length, mails: rx.mails.length, udp: rx.syslogUdp.length };
      for (const channel of ["webhook", "syslog", "email"] as const) {
        expect(await strictAdmin.trpc.admin.alerts.sendTest.mutate({ channel })).toMatchObject({
          status: "pending",
          lastError: expect.stringMatching(/refused: .*loopback.*SLS_ALERT_ALLOW_LOCAL_DESTINATIONS=on/),
        });
      }
      expect({ webhooks: rx.webhooks.length, mails: rx.mails.length, udp: rx.syslogUdp.length }).toEqual(received);
    } finally {
      await strict.close();
    }
  });
});
