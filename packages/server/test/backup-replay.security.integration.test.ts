import { Store } from "@sls/db";
import { afterAll, describe, expect, it } from "vitest";
import { BackupLink, type TSealed } from "../src/services/backup/link-key.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { applianceClient } from "./kit/clients.ts";
import { type FreshDatabase, freshDatabase, registration, SECRET, settle } from "./kit/test-server.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";

const SERIAL = "REPLAYBKP";
const link = new BackupLink(BACKUP_KEY, Date.now);
const SYNC = { active: false, remainingMs: 0, after: null, epoch: null };

type LinkCall = "register" | "sync" | "handback";

/** Sends one sealed backup-link request to `server`; resolves to "ok" or the refusal's reason and message. */
async function send(server: ServerProcess, call: LinkCall, sealed: TSealed): Promise<string> {
  const answer = await settle(applianceClient(server.baseUrl).backup[call].mutate(sealed));
  return answer.ok ? "ok" : `${answer.error.data?.reason}: ${answer.error.message}`;
}

/** A main server process with the link key, on `databaseUrl`, whose configured backup is SERIAL. */
async function mainProcess(databaseUrl: string): Promise<ServerProcess> {
  return startServerProcess({
    DATABASE_URL: databaseUrl,
    SLS_POOL_SIZE: "500",
    SLS_SHARED_SECRET: SECRET,
    SLS_BACKUP_KEY: BACKUP_KEY,
    SLS_SYNC_INTERVAL_MS: "600000",
  });
}

async function configureBackup(databaseUrl: string): Promise<void> {
  const store = Store.open(databaseUrl);
  try {
    await store.inPoolTransaction((tx) =>
      tx.writeSettings({ backupAddress: "http://127.0.0.1:1", backupSerial: SERIAL }),
    );
  } finally {
    await store.close();
  }
}

const REPLAYED = /^BAD_SECRET: .*already received once \(a replay\)/;

describe("a captured link request is accepted once across every process on the database and across restarts", () => {
  const processes: ServerProcess[] = [];
  const databases: FreshDatabase[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(databases.map((db) => db.drop()));
  });
  const database = async (...args: Parameters<typeof freshDatabase>) => {
    const db = await freshDatabase(...args);
    databases.push(db);
    return db;
  };
  const started = async (start: Promise<ServerProcess>) => {
    const process = await start;
    processes.push(process);
    return process;
  };

  it("on PostgreSQL: a register or sync request answered by one main process is refused by the other, and two at once are answered once", async () => {
    const db = await database("postgresql", "replay-pair");
    const first = await started(mainProcess(db.url));
    const second = await started(mainProcess(db.url));
    await configureBackup(db.url);

    const register = link.seal("register-request", { serial: SERIAL, hostname: "backup.example.net" });
    expect(await send(first, "register", register)).toBe("ok");
    expect(await send(second, "register", register)).toMatch(REPLAYED);
    // The serial is the backup's alone, whichever process an appliance with the fleet secret asks.
    for (const server of [first, second]) {
      const reserved = await settle(applianceClient(server.baseUrl).appliance.register.mutate(registration(SERIAL)));
      expect(reserved).toMatchObject({ ok: false, status: 403, error: { data: { reason: "RESERVED_SERIAL" } } });
    }

    const sync = link.seal("sync-request", SYNC);
    expect(await send(first, "sync", sync)).toBe("ok");
    expect(await send(second, "sync", sync)).toMatch(REPLAYED);
    expect(await send(first, "sync", sync)).toMatch(REPLAYED);

    const raced = link.seal("sync-request", SYNC);
    const answers = await Promise.all([send(first, "sync", raced), send(second, "sync", raced)]);
    expect(answers.filter((a) => a === "ok")).toHaveLength(1);
    expect(answers.filter((a) => REPLAYED.test(a))).toHaveLength(1);
  }, 120_000);

  it("on SQLite: a sync request is refused by the main process after its restart, a hand-back request by the backup after its restart", async () => {
    const mainDb = await database("sqlite", "replay-main");
    const backupDb = await database("sqlite", "replay-backup");
    let main = await started(mainProcess(mainDb.url));
    await configureBackup(mainDb.url);
    const backupEnv = {
      DATABASE_URL: backupDb.url,
      SLS_ROLE: "backup",
      SLS_MAIN_URL: main.baseUrl,
      SLS_BACKUP_SERIAL: SERIAL,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "600000",
    };
    let backup = await started(startServerProcess(backupEnv));

    // Registered here, so that the sync below does not depend on the backup process's own registration.
    expect(await send(main, "register", link.seal("register-request", { serial: SERIAL, hostname: "b" }))).toBe("ok");
    const sync = link.seal("sync-request", SYNC);
    const handback = link.seal("handback-request", { handback: true });
    expect(await send(main, "sync", sync)).toBe("ok");
    expect(await send(backup, "handback", handback)).toBe("ok");

    await Promise.all([main.stop(), backup.stop()]);
    main = await started(mainProcess(mainDb.url));
    backup = await started(startServerProcess({ ...backupEnv, SLS_MAIN_URL: main.baseUrl }));
    expect(await send(main, "sync", sync)).toMatch(REPLAYED);
    expect(await send(backup, "handback", handback)).toMatch(REPLAYED);
    // Fresh requests are still answered.
    expect(await send(main, "sync", link.seal("sync-request", SYNC))).toBe("ok");
    expect(await send(backup, "handback", link.seal("handback-request", { handback: true }))).toBe("ok");
  }, 120_000);
});
