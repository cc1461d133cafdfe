import { afterAll, describe, expect, it } from "vitest";
import { backupPair } from "./backup-pair.ts";
import { callAppliance, until, registration, type CallResult } from "./harness.ts";

const SYNC_MS = 300;
const PARTICIPANTS = 20;

function reasonOf(result: CallResult<unknown>): string | null {
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
      const reg = await callAppliance<{ token: string; backup: { address: string } | null }>(
        mainUrl,
        "register",
        registration(serial),
      );
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      expect(reg.data.backup).toEqual({ address: backupUrl });
      const req = await callAppliance<{ granted: number }>(
        mainUrl,
        "request",
        { sessions: 100, requestId: "start" },
        reg.data.token,
      );
      if (!req.ok) throw new Error(JSON.stringify(req.error));
      held.set(serial, { token: reg.data.token, granted: req.data.granted });
    }

    // While the main server answers, the backup refuses appliance calls.
    const first = held.values().next().value!;
    expect(reasonOf(await callAppliance(backupUrl, "refresh", { inUse: 0 }, first.token))).toBe("BACKUP_INACTIVE");
    // Wait until the backup has mirrored the grants above.
    const heldTotal = [...held.values()].reduce((sum, p) => sum + p.granted, 0);
    await until("the backup to mirror the grants", async () => (await backupStore.ledger()).grantedSum === heldTotal);

    await main.crash();
    const crashedAt = Date.now();
    // Participants turn to the backup; it takes over once it has judged the main server down.
    for (const [serial, p] of held) {
      const answer = await until(`the backup to serve ${serial}`, async () => {
        const result = await callAppliance<{ granted: number }>(backupUrl, "refresh", { inUse: 10 }, p.token);
        return result.ok ? result.data : null;
      });
      expect(answer.granted).toBe(p.granted);
    }
    const takeoverMs = Date.now() - crashedAt;
    // New requests are served by the backup.
    for (const [serial, p] of [...held].slice(0, 5)) {
      const result = await callAppliance<{ granted: number }>(
        backupUrl,
        "request",
        { sessions: 50, requestId: "during-outage" },
        p.token,
      );
      expect(result, serial).toMatchObject({ ok: true });
      if (result.ok) p.granted = result.data.granted;
    }
    const late = await callAppliance<{ token: string }>(backupUrl, "register", registration("BKLATE1"));
    expect(late.ok).toBe(true);

    // The main server returns: it takes the pool back before serving.
    const restartAt = Date.now();
    main = await pair.startMain();
    const handbackMs = Date.now() - restartAt;
    expect(reasonOf(await callAppliance(backupUrl, "refresh", { inUse: 0 }, first.token))).toBe("BACKUP_INACTIVE");
    let total = 0;
    for (const [serial, p] of held) {
      const result = await callAppliance<{ granted: number }>(mainUrl, "refresh", { inUse: 10 }, p.token);
      expect(result, serial).toMatchObject({ ok: true, data: { granted: p.granted } });
      total += p.granted;
    }
    if (late.ok)
      expect(await callAppliance(mainUrl, "refresh", { inUse: 0 }, late.data.token)).toMatchObject({ ok: true });

    const ledger = await mainStore.ledger();
    expect(ledger.grantedSum).toBe(total);
    expect(ledger.auditGrantedSum).toBe(ledger.grantedSum);
    console.info(
      `backup: takeover served all ${PARTICIPANTS} participants ${takeoverMs} ms after kill -9 (sync ${SYNC_MS} ms, 3 failed syncs); main restart incl. hand-back ${handbackMs} ms`,
    );
  }, 120_000);
});
