import { createPrismaClient, Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { callAppliance, freshDatabase, until, registration, SECRET, type CallResult } from "./harness.ts";
import { freePort, startServerProcess, type ServerProcess } from "./processes.ts";

const SYNC_MS = 300;
const PARTICIPANTS = 20;

function reasonOf(result: CallResult<unknown>): string | null {
  return result.ok ? null : result.error.data.reason;
}

describe("backup server: takeover when the main server dies, hand-back when it returns", () => {
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  it("serves every participant from the backup with its grant intact and merges it back", async () => {
    const mainDb = await freshDatabase("sqlite", "main");
    const backupDb = await freshDatabase("sqlite", "backup");
    const [mainPort, backupPort] = [await freePort(), await freePort()];
    const mainUrl = `http://127.0.0.1:${mainPort}`;
    const backupUrl = `http://127.0.0.1:${backupPort}`;
    const mainEnv = {
      PORT: String(mainPort),
      DATABASE_URL: mainDb.url,
      SLS_POOL_SIZE: "2000",
      SLS_SHARED_SECRET: SECRET,
      SLS_REFRESH_INTERVAL_SEC: "10",
      SLS_SYNC_INTERVAL_MS: String(SYNC_MS),
    };
    let main = await startServerProcess(mainEnv);
    processes.push(main);

    // The administrator configures the backup server on the main server.
    const mainStore = new Store(createPrismaClient(mainDb.url));
    await mainStore.inPoolTransaction((tx) => tx.writeSettings({ backupAddress: backupUrl, backupSerial: "BKP0001" }));

    const backup = await startServerProcess({
      PORT: String(backupPort),
      DATABASE_URL: backupDb.url,
      SLS_ROLE: "backup",
      SLS_MAIN_URL: mainUrl,
      SLS_BACKUP_SERIAL: "BKP0001",
      SLS_SHARED_SECRET: SECRET,
      SLS_SYNC_INTERVAL_MS: String(SYNC_MS),
      SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: "3",
    });
    processes.push(backup);

    const held = new Map<string, { token: string; granted: number }>();
    for (let i = 0; i < PARTICIPANTS; i++) {
      const serial = `BK${String(i).padStart(3, "0")}`;
      const reg = await callAppliance<{ token: string; backup: { address: string } | null }>(mainUrl, "register", registration(serial));
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      expect(reg.data.backup).toEqual({ address: backupUrl });
      const req = await callAppliance<{ granted: number }>(mainUrl, "request", { sessions: 100, requestId: "start" }, reg.data.token);
      if (!req.ok) throw new Error(JSON.stringify(req.error));
      held.set(serial, { token: reg.data.token, granted: req.data.granted });
    }

    // While the main server answers, the backup refuses appliance calls.
    const first = held.values().next().value!;
    expect(reasonOf(await callAppliance(backupUrl, "refresh", { inUse: 0 }, first.token))).toBe("BACKUP_INACTIVE");
    // Wait until the backup has mirrored the grants above.
    const backupStore = new Store(createPrismaClient(backupDb.url));
    const heldTotal = [...held.values()].reduce((sum, p) => sum + p.granted, 0);
    await until("the backup to mirror the grants", async () => (await backupStore.ledger()).grantedSum === heldTotal);
    await backupStore.close();

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
      const result = await callAppliance<{ granted: number }>(backupUrl, "request", { sessions: 50, requestId: "during-outage" }, p.token);
      expect(result, serial).toMatchObject({ ok: true });
      if (result.ok) p.granted = result.data.granted;
    }
    const late = await callAppliance<{ token: string }>(backupUrl, "register", registration("BKLATE1"));
    expect(late.ok).toBe(true);

    // The main server returns: it takes the pool back before serving.
    const restartAt = Date.now();
    main = await startServerProcess(mainEnv);
    processes.push(main);
    const handbackMs = Date.now() - restartAt;
    expect(reasonOf(await callAppliance(backupUrl, "refresh", { inUse: 0 }, first.token))).toBe("BACKUP_INACTIVE");
    let total = 0;
    for (const [serial, p] of held) {
      const result = await callAppliance<{ granted: number }>(mainUrl, "refresh", { inUse: 10 }, p.token);
      expect(result, serial).toMatchObject({ ok: true, data: { granted: p.granted } });
      total += p.granted;
    }
    if (late.ok) expect(await callAppliance(mainUrl, "refresh", { inUse: 0 }, late.data.token)).toMatchObject({ ok: true });

    const ledger = await mainStore.ledger();
    expect(ledger.grantedSum).toBe(total);
    expect(ledger.auditGrantedSum).toBe(ledger.grantedSum);
    console.info(`backup: takeover served all ${PARTICIPANTS} participants ${takeoverMs} ms after kill -9 (sync ${SYNC_MS} ms, 3 failed syncs); main restart incl. hand-back ${handbackMs} ms`);
    await mainStore.close();
  }, 120_000);
});
