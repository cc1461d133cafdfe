import { applianceClient } from "./kit/clients.ts";
import { readFileSync } from "node:fs";
import { Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { ADMIN_PASSWORD, ConsoleClient } from "./kit/console-client.ts";
import { freshDatabase, registration, SECRET, settle, waitFor } from "./kit/test-server.ts";
import { freePort, startServerProcess, type ServerProcess } from "./kit/processes.ts";

const SYNC_MS = "300";

/**
 * The backup deployment as docs/operating.md describes it: the main server, the backup address typed in
 * the console as host:port, the backup started with that page's variables (the main server's
 * address as host:port too), then the main server process killed with SIGKILL and restarted.
 */
describe("backup deployment as docs/operating.md describes it, through a main server crash", () => {
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
    const setupCode = readFileSync(codeFile, "utf8").trim();
    await admin.trpc.auth.setup.mutate({ setupCode, name: "root", password: ADMIN_PASSWORD });
    await admin.trpc.admin.settings.setBackup.mutate({
      backup: { address: `127.0.0.1:${backupPort}`, serial: "JAD99BACKUP", peerSerial: null },
    });
    expect(await admin.trpc.admin.settings.get.query()).toMatchObject({ backup: { address: backupUrl } });

    const _backup = await start({
      SLS_ROLE: "backup",
      SLS_MAIN_URL: `127.0.0.1:${mainPort}`,
      SLS_BACKUP_SERIAL: "JAD99BACKUP",
      SLS_BACKUP_KEY: BACKUP_KEY,
      DATABASE_URL: backupDb.url,
      PORT: String(backupPort),
      SLS_SYNC_INTERVAL_MS: SYNC_MS,
    });

    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration(`README${i}`)));
      if (!reg.ok) throw new Error(JSON.stringify(reg.error));
      expect(reg.data.backup).toEqual({ address: backupUrl });
      await applianceClient(mainUrl, { token: reg.data.token }).appliance.request.mutate({
        sessions: 100,
        requestId: "start",
      });
      tokens.push(reg.data.token);
    }
    const backupStore = Store.open(backupDb.url);
    try {
      await waitFor(async () => (await backupStore.ledger()).grantedSum === 500, {
        what: "the backup to mirror the grants",
      });

      await main.crash();
      for (const token of tokens) {
        await waitFor(
          async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 5 }))).ok,
          { what: "the backup to serve" },
        );
      }
      // The outage's changes: more sessions for one appliance, a new appliance.
      expect(
        await settle(
          applianceClient(backupUrl, { token: tokens[0] }).appliance.request.mutate({
            sessions: 150,
            requestId: "outage",
          }),
        ),
      ).toMatchObject({ ok: true, data: { granted: 250 } });
      const late = await settle(applianceClient(backupUrl).appliance.register.mutate(registration("READMELATE")));
      if (!late.ok) throw new Error(JSON.stringify(late.error));
      expect(
        await settle(
          applianceClient(backupUrl, { token: late.data.token }).appliance.request.mutate({
            sessions: 50,
            requestId: "outage",
          }),
        ),
      ).toMatchObject({ ok: true, data: { granted: 50 } });

      const restartedAt = Date.now();
      await start(mainEnv);
      // Exactly one server is active: the backup refuses, the main server serves.
      for (const token of [...tokens, late.data.token]) {
        expect(
          await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 0 })),
        ).toMatchObject({
          ok: false,
          error: { data: { reason: "BACKUP_INACTIVE" } },
        });
      }
      expect((await backupStore.backup.readRole())?.active).toBe(false);
      expect(
        await settle(applianceClient(mainUrl, { token: tokens[0] }).appliance.refresh.mutate({ inUse: 5 })),
      ).toMatchObject({
        ok: true,
        data: { granted: 250 },
      });
      for (const token of tokens.slice(1)) {
        expect(await settle(applianceClient(mainUrl, { token }).appliance.refresh.mutate({ inUse: 5 }))).toMatchObject({
          ok: true,
          data: { granted: 100 },
        });
      }
      expect(
        await settle(applianceClient(mainUrl, { token: late.data.token }).appliance.refresh.mutate({ inUse: 5 })),
      ).toMatchObject({
        ok: true,
        data: { granted: 50 },
      });
      // The backup synchronises again and reports itself inactive; the hand-back card is clear.
      await waitFor(
        async () => {
          const view = await settle(admin.trpc.admin.overview.get.query());
          const { active, handbackFailure, lastSyncAt } = view.ok
            ? view.data.backup
            : { active: true, handbackFailure: null, lastSyncAt: null };
          return !active && handbackFailure === null && lastSyncAt !== null && Date.parse(lastSyncAt) >= restartedAt;
        },
        { what: "the backup to report in again" },
      );
    } finally {
      await backupStore.close();
    }
  }, 120_000);
});
