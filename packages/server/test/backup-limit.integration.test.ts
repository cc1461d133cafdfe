import { auditEvents } from "@sls/db/testing";
import { applianceClient } from "./kit/clients.ts";
import type { Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { backupPair } from "./backup-pair.ts";
import { registration, settle, waitFor } from "./harness.ts";

const DAY_MS = 200;
const SYNC_MS = 50;

describe("backup operating limit with a 200 ms day", () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it("charges to 30 days, drains while active with alerts, recharges, and stops issuing at zero", async () => {
    const pair = await backupPair({ label: "limit", serial: "LIMBKP1", syncMs: SYNC_MS, poolSize: 1000 });
    closers.push(() => pair.close());
    const { mainUrl, backupUrl, mainStore, backupStore } = pair;
    let main = pair.main;
    const backupStartedAt = Date.now();
    await pair.startBackup({ SLS_DAY_MS: String(DAY_MS) });
    const days = async () => ((await backupStore.backup.readRole())?.remainingMs ?? 0) / DAY_MS;
    const alerts = async (store: Store) =>
      (await auditEvents(store, { types: ["backup-alert"] })).map((a) => JSON.parse(a.detail!).alert as string);

    const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration("LIM0001")));
    if (!reg.ok) throw new Error(JSON.stringify(reg.error));
    const token = reg.data.token;
    await applianceClient(mainUrl, { token }).appliance.request.mutate({ sessions: 100, requestId: "r0" });

    // 5 days at first, one more per day inactive and synchronised, never above 30.
    expect(await days()).toBeLessThanOrEqual(5 + (Date.now() - backupStartedAt) / DAY_MS);
    await waitFor(async () => (await days()) === 30, { what: "the limit to charge to 30 days" });

    // Main server down: the backup takes over on the first call and drains a day per day.
    await main.crash();
    await waitFor(
      async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).ok,
      { what: "the backup to take over" },
    );
    const activeFrom = Date.now();
    await waitFor(async () => (await days()) <= 10, { what: "20 days of activity" });
    const activeMs = Date.now() - activeFrom;
    expect(activeMs).toBeGreaterThanOrEqual(19 * DAY_MS);
    expect(await alerts(backupStore)).toEqual(["ACTIVE_15_DAYS"]);

    // Main server returns: hand-back, the alerts reach its audit history, and the limit recharges.
    // (Starting a process takes seconds on a loaded machine: the 10 days left may run out first.)
    main = await pair.startMain();
    const raised = await alerts(backupStore);
    expect(raised[0]).toBe("ACTIVE_15_DAYS");
    expect(await alerts(mainStore)).toEqual(raised);
    const rechargeFrom = Date.now();
    const before = await days();
    await waitFor(async () => (await days()) === 30, { what: "the limit to recharge to 30 days" });
    // `before` is what the backup last wrote: up to one step (a sync, slow on a loaded machine) old.
    expect(Date.now() - rechargeFrom).toBeGreaterThanOrEqual((30 - before - 3) * DAY_MS);

    // Down again until the limit runs out: the backup stops issuing sessions.
    await main.crash();
    await waitFor(
      async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).ok,
      { what: "the backup to take over again" },
    );
    await waitFor(async () => (await days()) === 0, { what: "the limit to run out", timeoutMs: 60_000 });
    expect(await alerts(backupStore)).toEqual([...raised, "ACTIVE_15_DAYS", "LIMIT_REACHED"]);
    const refused = await settle(
      applianceClient(backupUrl, { token }).appliance.request.mutate({ sessions: 50, requestId: "late" }),
    );
    expect(refused).toMatchObject({ ok: false, status: 503, error: { data: { reason: "BACKUP_LIMIT_REACHED" } } });
    // Grants time out: refreshes no longer renew the lease.
    const seen = (await backupStore.findParticipantBySerial("LIM0001"))!.lastSeenAt.getTime();
    await applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 });
    expect((await backupStore.findParticipantBySerial("LIM0001"))!.lastSeenAt.getTime()).toBe(seen);
  }, 120_000);
});
