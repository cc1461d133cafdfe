import { readFileSync } from "node:fs";
import { Store } from "@sls/db";
import { setupCodeFile } from "../../src/services/setup-code.ts";
import { type ProviderName, freshDatabase, SECRET } from "./test-server.ts";
import { removeTemporaryFolder, temporaryFolder } from "./temporary-folders.ts";
import { freePort, startServerProcess, type ServerProcess } from "./processes.ts";

/** The backup link key both servers of the tests share (SLS_BACKUP_KEY: 32+ printable characters). */
export const BACKUP_KEY = "test-backup-link-key-aaaaaaaaaaaaaaaaaaaaaaaa";

export interface BackupPair {
  mainUrl: string;
  backupUrl: string;
  mainPort: number;
  backupPort: number;
  mainEnv: Record<string, string>;
  main: ServerProcess;
  backup: ServerProcess | null;
  mainStore: Store;
  backupStore: Store;
  /** Starts the backup process (configured on the main server first, as an administrator does). */
  startBackup(extra?: Record<string, string>): Promise<ServerProcess>;
  startMain(): Promise<ServerProcess>;
  /** The main server's one-time setup code, from the file it wrote. */
  mainSetupCode(): string;
  close(): Promise<void>;
}

/**
 * A main server process and, once asked, its backup server process, each on its own SQLite
 * database, with the backup link key set on both. `backupAddress` is what the administrator
 * typed; by default `http://127.0.0.1:<port>`.
 */
export async function backupPair(options: {
  label: string;
  serial: string;
  syncMs: number;
  poolSize?: number;
  mainEnv?: Record<string, string>;
  backupAddress?: (port: number) => string;
  /** Both servers' databases; SQLite unless asked. */
  provider?: ProviderName;
}): Promise<BackupPair> {
  const provider = options.provider ?? "sqlite";
  const [mainDb, backupDb] = [
    await freshDatabase(provider, `${options.label}_main`),
    await freshDatabase(provider, `${options.label}_backup`),
  ];
  // Where a main server on PostgreSQL writes its setup code.
  const dataDir = temporaryFolder(`${options.label}-data`);
  const [mainPort, backupPort] = [await freePort(), await freePort()];
  const mainUrl = `http://127.0.0.1:${mainPort}`;
  const backupUrl = `http://127.0.0.1:${backupPort}`;
  const mainEnv = {
    PORT: String(mainPort),
    DATABASE_URL: mainDb.url,
    SLS_POOL_SIZE: String(options.poolSize ?? 2000),
    SLS_SHARED_SECRET: SECRET,
    SLS_REFRESH_INTERVAL_SEC: "10",
    SLS_SYNC_INTERVAL_MS: String(options.syncMs),
    SLS_BACKUP_KEY: BACKUP_KEY,
    SLS_DATA_DIR: dataDir,
    ...options.mainEnv,
  };
  const processes: ServerProcess[] = [];
  const startMain = async () => {
    const main = await startServerProcess(mainEnv);
    processes.push(main);
    pair.main = main;
    return main;
  };
  const mainStore = Store.open(mainDb.url);
  const backupStore = Store.open(backupDb.url);
  const pair: BackupPair = {
    mainUrl,
    backupUrl,
    mainPort,
    backupPort,
    mainEnv,
    main: null as unknown as ServerProcess,
    backup: null,
    mainStore,
    backupStore,
    startMain,
    mainSetupCode: () => readFileSync(setupCodeFile(mainDb.url, dataDir), "utf8").trim(),
    async startBackup(extra = {}) {
      const address = options.backupAddress?.(backupPort) ?? backupUrl;
      await mainStore.inPoolTransaction((tx) =>
        tx.writeSettings({ backupAddress: address, backupSerial: options.serial }),
      );
      const backup = await startServerProcess({
        PORT: String(backupPort),
        DATABASE_URL: backupDb.url,
        SLS_ROLE: "backup",
        SLS_MAIN_URL: mainUrl,
        SLS_BACKUP_SERIAL: options.serial,
        SLS_BACKUP_KEY: BACKUP_KEY,
        SLS_SYNC_INTERVAL_MS: String(options.syncMs),
        SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: "3",
        ...extra,
      });
      processes.push(backup);
      pair.backup = backup;
      return backup;
    },
    async close() {
      await Promise.all(processes.map((p) => p.stop()));
      await Promise.all([mainStore.close(), backupStore.close()]);
      await Promise.all([mainDb.drop(), backupDb.drop()]);
      removeTemporaryFolder(dataDir);
    },
  };
  await startMain();
  return pair;
}
