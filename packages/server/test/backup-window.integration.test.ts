import { auditEvents, setLastSeen } from "@sls/db/testing";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { applianceClient } from "./kit/clients.ts";
import { afterAll, describe, expect, it } from "vitest";
import { backupPair } from "./kit/backup-pair.ts";
import { registration, settle, waitFor } from "./kit/test-server.ts";

/**
 * The one interval a takeover can lose: a grant made on the main server after the backup's last
 * sync. The backup is frozen (SIGSTOP) so that the grants below certainly fall in that window.
 */
describe("a grant made on the main server in the last sync interval before it dies", () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it("is kept at hand-back if the backup did not touch that participant, and replaced by the backup's record if it did", async () => {
    const pair = await backupPair({ label: "window", serial: "BKPWIN1", syncMs: 200 });
    closers.push(() => pair.close());
    const { mainUrl, backupUrl, mainStore, backupStore } = pair;
    const backup = await pair.startBackup();
    const token = new Map<string, string>();
    for (const serial of ["WIN1", "WIN2", "WIN3"]) {
      const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration(serial)));
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      token.set(serial, reg.data.token);
      await applianceClient(mainUrl, { token: reg.data.token }).appliance.request.mutate({
        sessions: 100,
        requestId: "before",
      });
    }
    await waitFor(async () => (await backupStore.ledger()).grantedSum === 300, {
      what: "the backup to mirror 300 granted",
    });

    // The window: the backup syncs no more, the main server grants and then dies.
    process.kill(backup.pid, "SIGSTOP");
    try {
      for (const serial of ["WIN1", "WIN2"]) {
        const more = await settle(
          applianceClient(mainUrl, { token: token.get(serial) }).appliance.request.mutate({
            sessions: 100,
            requestId: "in-window",
          }),
        );
        expect(more).toMatchObject({ ok: true, data: { granted: 200 } });
      }
      await pair.main.crash();
    } finally {
      process.kill(backup.pid, "SIGCONT");
    }

    // The backup serves the grants it knows: the window's grants are not among them.
    const win1 = await waitFor(
      async () => {
        const result = await settle(
          applianceClient(backupUrl, { token: token.get("WIN1") }).appliance.refresh.mutate({ inUse: 10 }),
        );
        return result.ok ? result.data : null;
      },
      { what: "the backup to serve WIN1" },
    );
    expect(win1.granted).toBe(100);
    // WIN2 changes its grant on the backup, from the backup's older figure.
    expect(
      await settle(applianceClient(backupUrl, { token: token.get("WIN2") }).appliance.release.mutate({ sessions: 50 })),
    ).toMatchObject({
      ok: true,
      data: { granted: 50 },
    });

    await pair.startMain();
    expect(
      await settle(applianceClient(backupUrl, { token: token.get("WIN1") }).appliance.refresh.mutate({ inUse: 0 })),
    ).toMatchObject({
      ok: false,
      error: { data: { reason: "BACKUP_INACTIVE" } },
    });
    // Untouched on the backup: the main server's own record, with the window's grant, stands.
    expect(
      await settle(applianceClient(mainUrl, { token: token.get("WIN1") }).appliance.refresh.mutate({ inUse: 10 })),
    ).toMatchObject({
      ok: true,
      data: { granted: 200 },
    });
    // Changed on the backup: the backup's record wins and the window's grant is gone, in the audit history too.
    expect(
      await settle(applianceClient(mainUrl, { token: token.get("WIN2") }).appliance.refresh.mutate({ inUse: 10 })),
    ).toMatchObject({
      ok: true,
      data: { granted: 50 },
    });
    const [handback] = await auditEvents(mainStore, { types: ["handback"], serials: ["WIN2"] });
    expect(handback).toMatchObject({ grantedDelta: -150, grantedAfter: 50 });
    expect(
      await settle(applianceClient(mainUrl, { token: token.get("WIN3") }).appliance.refresh.mutate({ inUse: 10 })),
    ).toMatchObject({
      ok: true,
      data: { granted: 100 },
    });
    expect((await expectLedgerBalanced(mainStore)).grantedSum).toBe(350);
  }, 120_000);

  it("counts an appliance's silence from the takeover at the earliest: a lease renewed only on the main server is not reclaimed", async () => {
    const pair = await backupPair({ label: "lease", serial: "BKPLEASE", syncMs: 200 });
    closers.push(() => pair.close());
    const { mainUrl, backupUrl, backupStore } = pair;
    await pair.startBackup();
    const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration("LEASE1")));
    if (!reg.ok) throw new Error(JSON.stringify(reg.error));
    await applianceClient(mainUrl, { token: reg.data.token }).appliance.request.mutate({
      sessions: 100,
      requestId: "r",
    });
    await waitFor(async () => (await backupStore.ledger()).grantedSum === 100, {
      what: "the backup to mirror the grant",
    });
    // Renewals on the main server are not synchronised: the backup's copy ages as if silent for an hour.
    await setLastSeen(backupStore, new Date(Date.now() - 3600_000));

    await pair.main.crash();
    const served = await waitFor(
      async () => {
        const result = await settle(
          applianceClient(backupUrl, { token: reg.data.token }).appliance.refresh.mutate({ inUse: 10 }),
        );
        return result.ok ? result.data : null;
      },
      { what: "the backup to serve LEASE1" },
    );
    expect(served.granted).toBe(100);
    expect(await auditEvents(backupStore, { types: ["reclaim"] })).toEqual([]);
  }, 120_000);
});
