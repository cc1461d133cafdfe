import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditEvents } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertTick } from "../src/alerts/engine.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { LOCAL_RECEIVERS_ENV, startReceivers, type Receivers } from "./kit/alert-receivers.ts";
import { type ConsoleClient, setUpAdmin } from "./kit/console-client.ts";
import { freePort } from "./kit/processes.ts";
import {
  freshDatabase,
  providers,
  startTestServer,
  type FreshDatabase,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";

describe.each(providers())("the backup card and its alerts tell the truth on %s", (provider) => {
  let db: FreshDatabase;
  let main: TestServer;
  let admin: ConsoleClient;
  let rx: Receivers;
  /** Something at the backup's address that answers every call with an error, as a wrong service would. */
  let answering: Server;

  beforeAll(async () => {
    rx = await startReceivers();
    answering = createServer((_req, res) => res.writeHead(404).end("not here"));
    await new Promise<void>((resolve) => answering.listen(0, "127.0.0.1", resolve));
    db = await freshDatabase(provider, "backup-card");
    main = await startTestServer(db.url, {
      ...LOCAL_RECEIVERS_ENV,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "50",
    });
    admin = await setUpAdmin(main);
    await admin.trpc.admin.alerts.setConfig.mutate({
      pendingAfterMinutes: 60,
      webhook: { url: rx.webhookUrl, format: "json", secret: null },
      syslog: null,
      email: null,
    });
  });
  afterAll(async () => {
    await main?.close();
    await new Promise((resolve) => answering?.close(resolve));
    await rx?.close();
    await db?.drop();
  });

  const card = async () => (await admin.trpc.admin.overview.get.query()).backup;
  const setAddress = (address: string) =>
    admin.trpc.admin.settings.setBackup.mutate({ backup: { address, serial: "BKPCARD1", peerSerial: null } });
  const failedHandbacks = async () =>
    (await auditEvents(main.running.services.store, { types: ["backup.handback-failed"] })).length;

  it("a backup configured before it is started is not registered yet, its address does not answer, and nothing is failing", async () => {
    await setAddress(`127.0.0.1:${await freePort()}`);
    const seen = await waitFor(
      async () => {
        const backup = await card();
        return backup.addressCheck?.answers === false ? backup : null;
      },
      { what: "the card to say the address does not answer" },
    );
    expect(seen).toMatchObject({ configured: true, registered: false, active: false, handbackFailure: null });
    expect(seen.addressCheck?.cause).toMatch(/refused|ECONNREFUSED|reach/i);
    // Calls went out and failed: still no failure on the card, in the audit history or as an alert.
    await alertTick(main.running.services);
    expect((await card()).handbackFailure).toBeNull();
    expect(await failedHandbacks()).toBe(0);
    expect((await admin.trpc.admin.alerts.list.query()).map((a) => a.kind)).not.toContain("handback-failed");
  });

  it("says when something answers at the address", async () => {
    await setAddress(`127.0.0.1:${(answering.address() as AddressInfo).port}`);
    await waitFor(async () => (await card()).addressCheck?.answers === true, { what: "the address to answer" });
    expect((await card()).handbackFailure).toBeNull();
    expect(await failedHandbacks()).toBe(0);
  });

  it("once the backup has served, a failing hand-back is on the card and raises its alert", async () => {
    const { services } = main.running;
    await services.store.backup.recordBackupReport({ at: new Date(services.now()), active: true, remainingMs: 0 });
    const failure = await waitFor(async () => (await card()).handbackFailure, {
      what: "the hand-back failure on the card",
    });
    expect(failure.cause).toMatch(/404|not here/i);
    await alertTick(services);
    await waitFor(async () => rx.webhooks.some((hook) => JSON.parse(hook.body).kind === "handback-failed"), {
      what: "the handback-failed alert",
    });
  });
});
