import { expectLedgerBalanced } from "./kit/ledger.ts";
import { applianceClient } from "./kit/clients.ts";
import { afterAll, describe, expect, it } from "vitest";
import { backupPair } from "./kit/backup-pair.ts";
import { registration, type Settled, settle, waitFor } from "./kit/test-server.ts";

const SYNC_MS = 300;
const PARTICIPANTS = 20;

function reasonOf(result: Settled<unknown>): string | null {
  return result.ok ? null : result.error.data.reason;
}

describe("backup server: takeover when the main server dies, hand-back when it returns", () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it("serves every participant from the backup with its grant intact and merges it back", async () => {
    const pair = await backupPair({ label: "bk", serial: "BKP0001", syncMs: SYNC_MS });
    closers.push(() => pair.close());
    const { mainUrl, backupUrl, mainStore, backupStore } = pair;
    let main = pair.main;
    await pair.startBackup();

    const held = new Map<string, { token: string; granted: number }>();
    for (let i = 0; i < PARTICIPANTS; i++) {
      const serial = `BK${String(i).padStart(3, "0")}`;
      const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration(serial)));
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      expect(reg.data.backup).toEqual({ address: backupUrl });
      const req = await settle(
        applianceClient(mainUrl, { token: reg.data.token }).appliance.request.mutate({
          sessions: 100,
          requestId: "start",
        }),
      );
      if (!req.ok) throw new Error(JSON.stringify(req.error));
      held.set(serial, { token: reg.data.token, granted: req.data.granted });
    }

    // While the main server answers, the backup refuses appliance calls.
    const first = held.values().next().value!;
    expect(
      reasonOf(await settle(applianceClient(backupUrl, { token: first.token }).appliance.refresh.mutate({ inUse: 0 }))),
    ).toBe("BACKUP_INACTIVE");
    // Wait until the backup has mirrored the grants above.
    const heldTotal = [...held.values()].reduce((sum, p) => sum + p.granted, 0);
    await waitFor(async () => (await backupStore.ledger()).grantedSum === heldTotal, {
      what: "the backup to mirror the grants",
    });

    await main.crash();
    const crashedAt = Date.now();
    // Participants turn to the backup; it takes over once it has judged the main server down.
    for (const [serial, p] of held) {
      const answer = await waitFor(
        async () => {
          const result = await settle(
            applianceClient(backupUrl, { token: p.token }).appliance.refresh.mutate({ inUse: 10 }),
          );
          return result.ok ? result.data : null;
        },
        { what: `the backup to serve ${serial}` },
      );
      expect(answer.granted).toBe(p.granted);
    }
    const takeoverMs = Date.now() - crashedAt;
    // New requests are served by the backup.
    for (const [serial, p] of [...held].slice(0, 5)) {
      const result = await settle(
        applianceClient(backupUrl, { token: p.token }).appliance.request.mutate({
          sessions: 50,
          requestId: "during-outage",
        }),
      );
      expect(result, serial).toMatchObject({ ok: true });
      if (result.ok) p.granted = result.data.granted;
    }
    const late = await settle(applianceClient(backupUrl).appliance.register.mutate(registration("BKLATE1")));
    expect(late.ok).toBe(true);

    // The main server returns: it takes the pool back before serving.
    const restartAt = Date.now();
    main = await pair.startMain();
    const handbackMs = Date.now() - restartAt;
    expect(
      reasonOf(await settle(applianceClient(backupUrl, { token: first.token }).appliance.refresh.mutate({ inUse: 0 }))),
    ).toBe("BACKUP_INACTIVE");
    let total = 0;
    for (const [serial, p] of held) {
      const result = await settle(applianceClient(mainUrl, { token: p.token }).appliance.refresh.mutate({ inUse: 10 }));
      expect(result, serial).toMatchObject({ ok: true, data: { granted: p.granted } });
      total += p.granted;
    }
    if (late.ok)
      expect(
        await settle(applianceClient(mainUrl, { token: late.data.token }).appliance.refresh.mutate({ inUse: 0 })),
      ).toMatchObject({ ok: true });

    expect((await expectLedgerBalanced(mainStore)).grantedSum).toBe(total);
    console.info(
      `backup: takeover served all ${PARTICIPANTS} participants ${takeoverMs} ms after kill -9 (sync ${SYNC_MS} ms, 3 failed syncs); main restart incl. hand-back ${handbackMs} ms`,
    );
  }, 120_000);
});
