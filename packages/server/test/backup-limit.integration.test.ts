import { auditEvents } from "@sls/db/testing";
import { applianceClient } from "./kit/clients.ts";
import type { Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { backupPair } from "./kit/backup-pair.ts";
import { registration, settle, waitFor } from "./kit/test-server.ts";
import { eventually } from "./kit/wait-for.ts";

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
    // Every read of the role row is checked against the one before it, on the backup's own
    // clock: the limit moves by at most one day per day (up or down) of the time the backup
    // accounted between the two rows. Measured against the server's stamps rather than this
    // test's clock, so a starved process (a late step accounts a longer interval) cannot fail
    // it, while a limit that charges or drains too fast does on its first step.
    let last: { remainingMs: number; accountedAt: Date } | null = null;
    const tooFast: string[] = [];
    const role = async () => {
      const row = await backupStore.backup.readRole();
      if (!row) return null;
      if (last) {
        const moved = Math.abs(row.remainingMs - last.remainingMs);
        const accounted = row.accountedAt.getTime() - last.accountedAt.getTime();
        if (moved > accounted) tooFast.push(`${moved} ms of limit in ${accounted} ms accounted`);
      }
      last = row;
      return row;
    };
    const days = async () => ((await role())?.remainingMs ?? 0) / DAY_MS;
    const alerts = async (store: Store) =>
      (await auditEvents(store, { types: ["backup-alert"] })).map((a) => JSON.parse(a.detail!).alert as string);

    const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration("LIM0001")));
    if (!reg.ok) throw new Error(JSON.stringify(reg.error));
    const token = reg.data.token;
    await applianceClient(mainUrl, { token }).appliance.request.mutate({ sessions: 100, requestId: "r0" });

    // 5 days at first, one more per day inactive and synchronised, never above 30.
    const first = await waitFor(role, { what: "the backup's role row" });
    expect(first.remainingMs).toBeLessThanOrEqual(5 * DAY_MS + (first.accountedAt.getTime() - backupStartedAt));
    await waitFor(async () => (await days()) === 30, { what: "the limit to charge to 30 days" });
    expect(tooFast).toEqual([]);

    // Main server down: the backup takes over on the first call and drains a day per day; the
    // alert fires once it has been active for 15 days (by its own stamps, not this test's clock).
    await main.crash();
    await waitFor(
      async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).ok,
      { what: "the backup to take over" },
    );
    const { activeSince, rows } = await waitFor(
      async () => {
        const row = await role();
        if (!row?.activeSince || row.remainingMs > 10 * DAY_MS) return null;
        const rows = await auditEvents(backupStore, { types: ["backup-alert"] });
        return rows.length > 0 && { activeSince: row.activeSince, rows };
      },
      { what: "20 days of activity and the first alert" },
    );
    expect(tooFast).toEqual([]);
    expect(rows.map((a) => JSON.parse(a.detail!).alert)).toEqual(["ACTIVE_15_DAYS"]);
    expect(rows[0]!.at.getTime() - activeSince.getTime()).toBeGreaterThanOrEqual(15 * DAY_MS);

    // Main server returns: hand-back, the alerts reach its audit history, and the limit recharges.
    // (Starting a process takes seconds on a loaded machine: the 10 days left may run out first.)
    main = await pair.startMain();
    const raised = await alerts(backupStore);
    expect(raised[0]).toBe("ACTIVE_15_DAYS");
    expect(await alerts(mainStore)).toEqual(raised);
    await waitFor(async () => (await days()) === 30, { what: "the limit to recharge to 30 days" });
    expect(tooFast).toEqual([]);

    // Down again until the limit runs out: the backup stops issuing sessions.
    await main.crash();
    await waitFor(
      async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).ok,
      { what: "the backup to take over again" },
    );
    await waitFor(async () => (await days()) === 0, { what: "the limit to run out", timeoutMs: 60_000 });
    expect(tooFast).toEqual([]);
    // Both alerts of this second period. In this order unless the backup was starved for 15 days
    // (3 s) between its last step and the takeover: the takeover does not account the gap first.
    await eventually(async () =>
      expect((await alerts(backupStore)).slice(raised.length).sort()).toEqual(["ACTIVE_15_DAYS", "LIMIT_REACHED"]),
    );
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
