// Helpers for the tests that run participants against real server processes: a main server
// with its backup, participants that remember which server answered them last, and polling.
import { Store } from "@sls/db";
import { ApplianceError, UnreachableError } from "../../src/errors.ts";
import type { ParticipantOptions } from "../../src/options.ts";
import { Participant } from "../../src/participant.ts";
import { fetchTransport, type Transport } from "../../src/transport.ts";
import { freePort, freshSqliteUrl, SECRET, startServerProcess, type ServerProcess } from "./server-process.ts";

const BACKUP_SERIAL = "BKP0001";

/** A call a participant got an answer to (refusals count: a server answered). */
interface Answered {
  baseUrl: string;
  verb: string;
  at: number;
  /** false when the server refused the call (BACKUP_INACTIVE, BAD_TOKEN, ...). */
  ok: boolean;
  /** The grant in the answer, when it carries one. */
  granted?: number;
  /** Why it was refused, and how long the server asked to wait, when it said. */
  reason?: string;
  retryAfterMs?: number | undefined;
}

/** A participant whose calls go through fetch, recording which server answered last. */
export interface LiveParticipant {
  participant: Participant;
  serial: string;
  /** Every answered call, oldest first. */
  answers: Answered[];
  last(): Answered | null;
  /** Whether `baseUrl` answered its last call, after `since`, without refusing it. */
  servedBy(baseUrl: string, since: number): boolean;
  /** While true, every call fails unreachable without leaving this process, as when its network is down. */
  cutOff: boolean;
}

/** Everything a test starts; `stopAll` stops it in reverse order. */
export class Live {
  private readonly stoppers: Array<() => Promise<unknown>> = [];

  async server(options: Parameters<typeof startServerProcess>[0]): Promise<ServerProcess> {
    const server = await startServerProcess(options);
    this.stoppers.push(() => server.stop());
    return server;
  }

  store(databaseUrl: string): Store {
    const store = Store.open(databaseUrl);
    this.stoppers.push(() => store.close());
    return store;
  }

  participant(serverUrl: string, serial: string, extra: Partial<ParticipantOptions> = {}): LiveParticipant {
    const answers: Answered[] = [];
    const recording: Transport = {
      async call(baseUrl, verb, input, options) {
        if (live.cutOff) throw new UnreachableError(baseUrl, `no answer from ${baseUrl}: cut off by the test`);
        try {
          const answer = await fetchTransport.call(baseUrl, verb, input, options);
          answers.push({ baseUrl, verb, at: Date.now(), ok: true, granted: (answer as { granted?: number }).granted });
          return answer;
        } catch (error) {
          if (error instanceof ApplianceError)
            answers.push({
              baseUrl,
              verb,
              at: Date.now(),
              ok: false,
              reason: error.reason,
              retryAfterMs: error.retryAfterMs,
            });
          throw error;
        }
      },
    };
    const participant = new Participant({
      serverUrl,
      secret: SECRET,
      serial,
      hostname: `${serial.toLowerCase()}.example.net`,
      model: "ASA5555-X",
      platformLimit: 1000,
      localLimit: 100,
      releaseDelayMs: 0,
      releaseMargin: 0,
      callTimeoutMs: 2_000,
      retryDelayMs: 200,
      maxRefreshIntervalMs: 1_000,
      transport: recording,
      ...extra,
    });
    this.stoppers.push(() => participant.stop());
    const live: LiveParticipant = {
      participant,
      serial,
      answers,
      last: () => answers.at(-1) ?? null,
      servedBy(baseUrl, since) {
        const last = answers.at(-1);
        return last?.ok === true && last.baseUrl === baseUrl && last.at >= since;
      },
      cutOff: false,
    };
    return live;
  }

  /** A main server and a backup server on their own ports and SQLite files, the backup configured on the main one. */
  async mainAndBackup(options: {
    poolSize: number;
    syncIntervalMs: number;
    env?: Record<string, string>;
  }): Promise<MainAndBackup> {
    const [mainPort, backupPort] = [await freePort(), await freePort()];
    const mainDb = freshSqliteUrl();
    const backupDb = freshSqliteUrl();
    const mainUrl = `http://127.0.0.1:${mainPort}`;
    const backupUrl = `http://127.0.0.1:${backupPort}`;
    // The backup link key, the same on both servers (SLS_BACKUP_KEY).
    const linkKey = { SLS_BACKUP_KEY: "participant-tests-backup-link-key-0123456789" };
    const startMain = () =>
      this.server({
        databaseUrl: mainDb,
        poolSize: options.poolSize,
        port: mainPort,
        env: { SLS_SYNC_INTERVAL_MS: String(options.syncIntervalMs), ...linkKey, ...options.env },
      });
    const main = await startMain();
    const mainStore = this.store(mainDb);
    // What the administrator does on the settings page: name the backup server.
    await mainStore.inPoolTransaction((tx) =>
      tx.writeSettings({ backupAddress: backupUrl, backupSerial: BACKUP_SERIAL }),
    );
    const backup = await this.server({
      databaseUrl: backupDb,
      poolSize: 0,
      port: backupPort,
      env: {
        SLS_ROLE: "backup",
        SLS_MAIN_URL: mainUrl,
        SLS_BACKUP_SERIAL: BACKUP_SERIAL,
        SLS_SYNC_INTERVAL_MS: String(options.syncIntervalMs),
        SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: "3",
        ...linkKey,
        ...options.env,
      },
    });
    return {
      main,
      backup,
      mainUrl,
      backupUrl,
      mainDb,
      backupDb,
      mainStore,
      backupStore: this.store(backupDb),
      startMain,
    };
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stoppers.splice(0).reverse()) await stop();
  }
}

export interface MainAndBackup {
  main: ServerProcess;
  backup: ServerProcess;
  mainUrl: string;
  backupUrl: string;
  mainDb: string;
  backupDb: string;
  mainStore: Store;
  backupStore: Store;
  /** Starts the main server (again) on its port and database. */
  startMain(): Promise<ServerProcess>;
}

/** Σ granted as the participants themselves hold it. */
export function heldBy(fleet: LiveParticipant[]): number {
  return fleet.reduce((sum, p) => sum + p.participant.state.granted, 0);
}
