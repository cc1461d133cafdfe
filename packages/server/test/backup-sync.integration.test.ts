import { auditEvents } from "@sls/db/testing";
import { Store, type AccountRow } from "@sls/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeParticipant } from "../src/services/admin/participants.ts";
import { savePolicy } from "../src/services/admin/policy.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import {
  freshDatabase,
  providers,
  type FreshDatabase,
  registerOk,
  SECRET,
  startTestServer,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";
import { freePort, startServerProcess, type ServerProcess } from "./kit/processes.ts";

const ROOT: AccountRow = {
  id: "acc_root",
  name: "root",
  role: "admin",
  createdAt: new Date(),
  passwordChangedAt: new Date(),
  lastLoginAt: null,
  fromProvider: false,
  breakGlass: false,
};
const PARTICIPANTS = 30;

interface SyncLine {
  full: boolean;
  participants: number;
  removed: number;
  bytes: number;
}

/**
 * The change-sequence contract end to end: every grant change, registration and removal made
 * on the main server reaches the backup in a delta that carries only what changed.
 */
describe.each(providers())("incremental backup.sync between a main server and a backup process, on %s", (provider) => {
  let main: TestServer;
  let backup: ServerProcess;
  let backupStore: Store;
  const tokens = new Map<string, string>();
  const databases: FreshDatabase[] = [];

  beforeAll(async () => {
    const [mainDb, backupDb] = [await freshDatabase(provider, "inc_main"), await freshDatabase(provider, "inc_backup")];
    databases.push(mainDb, backupDb);
    main = await startTestServer(mainDb.url, { SLS_BACKUP_KEY: BACKUP_KEY, SLS_POOL_SIZE: "5000" });
    const port = await freePort();
    await main.running.services.store.inPoolTransaction((tx) =>
      tx.writeSettings({ backupAddress: `http://127.0.0.1:${port}`, backupSerial: "BKPINC1" }),
    );
    backupStore = Store.open(backupDb.url);
    for (let i = 0; i < PARTICIPANTS; i++) {
      const serial = `INC${String(i).padStart(3, "0")}`;
      const token = await registerOk(main, serial);
      await main.api(token).appliance.request.mutate({ sessions: 100, requestId: "start" });
      tokens.set(serial, token);
    }
    backup = await startServerProcess({
      PORT: String(port),
      DATABASE_URL: backupDb.url,
      SLS_ROLE: "backup",
      SLS_MAIN_URL: main.baseUrl.replace("http://", ""),
      SLS_BACKUP_SERIAL: "BKPINC1",
      SLS_SHARED_SECRET: SECRET,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "100",
      SLS_LOG_LEVEL: "debug",
    });
  });
  afterAll(async () => {
    await backup?.stop();
    await backupStore?.close();
    await main?.close();
    for (const db of databases) await db.drop();
  });

  const syncs = (): SyncLine[] =>
    backup
      .output()
      .split("\n")
      .filter((line) => line.includes('"backup sync applied"'))
      .map((line) => JSON.parse(line) as SyncLine);
  const grants = async (store: Pick<Store, "listParticipants">) =>
    (await store.listParticipants()).map((p) => `${p.serial}:${p.granted}:${p.pending}`).join(",");
  const mirrored = async () => (await grants(backupStore)) === (await grants(main.running.services.store));

  it("sends a full snapshot first, then only the participants that changed and the removals", async () => {
    await waitFor(async () => syncs().some((s) => s.full) && (await mirrored()), { what: "the first full snapshot" });
    const first = syncs().find((s) => s.full)!;
    expect(first.participants).toBe(PARTICIPANTS + 1);
    const before = syncs().length;

    await main.api(tokens.get("INC001")).appliance.request.mutate({ sessions: 200, requestId: "more" });
    await main.api(tokens.get("INC002")).appliance.release.mutate({ sessions: 50 });
    await registerOk(main, "INCNEW1");
    await removeParticipant(main.running.services, ROOT, "INC003");
    // The log line follows the commit: wait for both.
    await waitFor(
      async () =>
        (await mirrored()) &&
        syncs()
          .slice(before)
          .some((s) => s.removed > 0),
      { what: "the backup to mirror the changes" },
    );

    const later = syncs().slice(before);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((s) => !s.full)).toBe(true);
    // Each change travels once: 3 changed or new participants and 1 removal in all.
    expect(later.reduce((sum, s) => sum + s.removed, 0)).toBe(1);
    expect(later.reduce((sum, s) => sum + s.participants, 0)).toBeLessThanOrEqual(4);
    expect(Math.max(...later.map((s) => s.bytes))).toBeLessThan(first.bytes / 4);
    expect(await backupStore.findParticipantBySerial("INC003")).toBeNull();
    expect(await auditEvents(backupStore, { types: ["backup.sync-refused"] })).toEqual([]);
    await expectLedgerBalanced(backupStore);
  });

  it("carries the pool policy in force, its held counters and each participant's group", async () => {
    const saved = await savePolicy(main.running.services, ROOT, {
      groups: [
        { name: "inc-low", reserve: 300, max: null, priority: 5, paused: false, serials: [], patterns: ["INC00?"] },
      ],
      poolPaused: false,
      caps: { INC010: 100 },
    });
    await waitFor(async () => (await backupStore.readServer())?.policyVersion === saved.version, {
      what: "the backup to receive the policy",
    });
    const [mainServer, backupServer] = [await main.running.services.store.readServer(), await backupStore.readServer()];
    expect(backupServer!.policyHeld).toEqual(mainServer!.policyHeld);
    expect((await backupStore.policyInForce())?.definition).toBe(
      (await main.running.services.store.policyInForce())?.definition,
    );
    expect(await backupStore.findParticipantBySerial("INC005")).toMatchObject({ policyGroup: "inc-low" });
    expect(await backupStore.findParticipantBySerial("INC010")).toMatchObject({ policyGroup: null, maxGranted: 100 });
    // The backup's ledger check applies the policy's invariants (held = Σ granted of the members).
    await expectLedgerBalanced(backupStore);
  });
});
