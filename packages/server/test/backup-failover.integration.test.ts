import { existsSync, readFileSync } from "node:fs";
import { Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { BACKUP_KEY } from "./backup-pair.ts";
import { ADMIN_PASSWORD, ConsoleClient } from "./console-client.ts";
import { callAppliance, freshDatabase, registration, SECRET, until } from "./harness.ts";
import { freePort, startServerProcess, type ServerProcess } from "./processes.ts";

type Grant = { granted: number; pending: number };
const SYNC_MS = "300";

/**
 * The README's deployment as an operator runs it: the main server, the backup address typed in
 * the console as host:port, the backup started with the README's variables (the main server's
 * address as host:port too), then the main server process killed with SIGKILL and restarted.
 */
describe("backup deployment as the README describes it, through a main server crash", () => {
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  it("serves from the backup during the outage, and afterwards exactly one server is active with the outage's changes kept", async () => {
    const [mainDb, backupDb] = [
      await freshDatabase("sqlite", "readme-main"),
      await freshDatabase("sqlite", "readme-backup"),
    ];
    const [mainPort, backupPort] = [await freePort(), await freePort()];
    const mainUrl = `http://127.0.0.1:${mainPort}`;
    const backupUrl = `http://127.0.0.1:${backupPort}`;
    const mainEnv = {
      PORT: String(mainPort),
      DATABASE_URL: mainDb.url,
      SLS_POOL_SIZE: "1000",
      SLS_SHARED_SECRET: SECRET,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: SYNC_MS,
    };
    const start = async (env: Record<string, string>) => {
      const server = await startServerProcess(env);
      processes.push(server);
      return server;
    };
    const main = await start(mainEnv);

    // The administrator sets the console up and types the backup's address as host:port.
    const admin = new ConsoleClient(mainUrl);
    const codeFile = `${mainDb.url.slice("file:".length)}.setup-code`;
    const setupCode = existsSync(codeFile) ? readFileSync(codeFile, "utf8").trim() : undefined;
    await admin.ok("mutation", "auth.setup", { setupCode, name: "root", password: ADMIN_PASSWORD });
    await admin.ok("mutation", "admin.settings.setBackup", {
      backup: { address: `127.0.0.1:${backupPort}`, serial: "JAD99BACKUP", peerSerial: null },
    });
    expect(await admin.ok("query", "admin.settings.get")).toMatchObject({ backup: { address: backupUrl } });

    const _backup = await start({
      SLS_ROLE: "backup",
      SLS_MAIN_URL: `127.0.0.1:${mainPort}`,
      SLS_BACKUP_SERIAL: "JAD99BACKUP",
      SLS_SHARED_SECRET: SECRET,
      SLS_BACKUP_KEY: BACKUP_KEY,
      DATABASE_URL: backupDb.url,
      PORT: String(backupPort),
      SLS_SYNC_INTERVAL_MS: SYNC_MS,
    });

    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reg = await callAppliance<{ token: string; backup: { address: string } | null }>(
        mainUrl,
        "register",
        registration(`README${i}`),
      );
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      expect(reg.data.backup).toEqual({ address: backupUrl });
      await callAppliance(mainUrl, "request", { sessions: 100, requestId: "start" }, reg.data.token);
      tokens.push(reg.data.token);
    }
    const backupStore = Store.open(backupDb.url);
    try {
      await until("the backup to mirror the grants", async () => (await backupStore.ledger()).grantedSum === 500);

      await main.crash();
      for (const token of tokens) {
        await until(
          "the backup to serve",
          async () => (await callAppliance<Grant>(backupUrl, "refresh", { inUse: 5 }, token)).ok,
        );
      }
      // The outage's changes: more sessions for one appliance, a new appliance.
      expect(
        await callAppliance<Grant>(backupUrl, "request", { sessions: 150, requestId: "outage" }, tokens[0]),
      ).toMatchObject({ ok: true, data: { granted: 250 } });
      const late = await callAppliance<{ token: string }>(backupUrl, "register", registration("READMELATE"));
      if (!late.ok) throw new Error(JSON.stringify(late.error));
      expect(
        await callAppliance<Grant>(backupUrl, "request", { sessions: 50, requestId: "outage" }, late.data.token),
      ).toMatchObject({ ok: true, data: { granted: 50 } });

      const restartedAt = Date.now();
      await start(mainEnv);
      // Exactly one server is active: the backup refuses, the main server serves.
      for (const token of [...tokens, late.data.token]) {
        expect(await callAppliance(backupUrl, "refresh", { inUse: 0 }, token)).toMatchObject({
          ok: false,
          error: { data: { reason: "BACKUP_INACTIVE" } },
        });
      }
      expect((await backupStore.backup.readRole())?.active).toBe(false);
      expect(await callAppliance<Grant>(mainUrl, "refresh", { inUse: 5 }, tokens[0])).toMatchObject({
        ok: true,
        data: { granted: 250 },
      });
      for (const token of tokens.slice(1)) {
        expect(await callAppliance<Grant>(mainUrl, "refresh", { inUse: 5 }, token)).toMatchObject({
          ok: true,
          data: { granted: 100 },
        });
      }
      expect(await callAppliance<Grant>(mainUrl, "refresh", { inUse: 5 }, late.data.token)).toMatchObject({
        ok: true,
        data: { granted: 50 },
      });
      // The backup synchronises again and reports itself inactive; the hand-back card is clear.
      await until("the backup to report in again", async () => {
        const view = await admin.query<{
          backup: { active: boolean; lastSyncAt: string | null; handbackFailure: unknown };
        }>("admin.overview.get");
        const { active, handbackFailure, lastSyncAt } = view.ok
          ? view.data.backup
          : { active: true, handbackFailure: null, lastSyncAt: null };
        return !active && handbackFailure === null && lastSyncAt !== null && Date.parse(lastSyncAt) >= restartedAt;
      });
    } finally {
      await backupStore.close();
    }
  }, 120_000);
});
