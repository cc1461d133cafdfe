import { request } from "node:http";
import { auditEvents, participantRecords } from "@sls/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { BACKUP_KEY, backupPair, type BackupPair } from "./kit/backup-pair.ts";
import { applianceClient } from "./kit/clients.ts";
import { registration, SECRET, settle, waitFor } from "./kit/test-server.ts";

const SYNC_MS = 300;
const BACKUP_SERIAL = "IDBACKUP1";

/** One appliance.register sent from `localAddress` (127.0.0.x stands for a separate host); resolves to its reason or "ok". */
function registerFrom(localAddress: string, baseUrl: string, body: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/trpc/appliance.register`,
      { method: "POST", localAddress, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => {
          const json = JSON.parse(text) as { result?: unknown; error?: { data?: { reason?: string } } };
          resolve(json.result ? "ok" : (json.error?.data?.reason ?? `HTTP ${res.statusCode}`));
        });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** Runs `step` again and again, adding what each run resolves to to `results`, until `enough()`. */
async function repeatUntil<T>(enough: () => boolean, results: T[], step: () => Promise<T>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!enough()) {
    if (Date.now() > deadline) throw new Error("the flood did not see ten syncs and ten answers of each kind in 60 s");
    results.push(await step());
  }
}

describe("the fleet secret cannot make the backup serve while the main server is up", () => {
  let pair: BackupPair;
  afterAll(async () => {
    await pair?.close();
  });

  it("an appliance registering the backup's serial again and again and flooding wrong secrets for ten sync intervals: refused, and the backup never arms", async () => {
    pair = await backupPair({ label: "identity", serial: BACKUP_SERIAL, syncMs: SYNC_MS });
    await pair.startBackup();
    const { mainUrl, backupUrl, mainStore, backupStore } = pair;
    const role = () => backupStore.backup.readRole();
    await waitFor(async () => (await role())?.lastSyncAt != null, { what: "the backup's first sync" });
    const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration("IDAPP1")));
    if (!reg.ok) throw new Error(JSON.stringify(reg.error));
    const token = reg.data.token;
    await applianceClient(mainUrl, { token }).appliance.request.mutate({ sessions: 100, requestId: "r1" });
    await waitFor(async () => (await backupStore.ledger()).grantedSum === 100, { what: "the backup to mirror" });
    const backupRecord = async () =>
      (await participantRecords(mainStore)).find((p) => p.serial === BACKUP_SERIAL) ?? null;
    const backupRow = await backupRecord();
    expect(backupRow?.tokenHash).toEqual(expect.any(String));
    const registrations = () => auditEvents(mainStore, { types: ["register"], serials: [BACKUP_SERIAL] });
    const registeredBefore = await registrations();
    expect(registeredBefore.map((r) => r.actor)).toContain(`backup:${BACKUP_SERIAL}`);

    // Ten sync intervals, counted by the backup's own syncs (a new lastSyncAt each), not by this
    // test's clock, which a loaded machine would leave with too few calls in it.
    const reserved: string[] = [];
    const wrong: string[] = [];
    const watched: Array<{ reason: string | undefined; row: Awaited<ReturnType<typeof role>> }> = [];
    const syncsSeen = () =>
      new Set(watched.flatMap((w) => (w.row?.lastSyncAt ? [w.row.lastSyncAt.getTime()] : []))).size;
    const enough = () => reserved.length >= 10 && wrong.length >= 10 && watched.length >= 10 && syncsSeen() >= 10;
    await Promise.all([
      // The appliance knows the fleet secret and the backup's serial (the console shows it).
      repeatUntil(enough, reserved, () => registerFrom("127.0.0.2", mainUrl, registration(BACKUP_SERIAL))),
      // Wrong secrets from four other addresses at once.
      ...[3, 4, 5, 6].map((host) =>
        repeatUntil(enough, wrong, () =>
          registerFrom(`127.0.0.${host}`, mainUrl, registration(`IDWRONG${host}`, { secret: `${SECRET}-wrong` })),
        ),
      ),
      // Meanwhile an appliance that turns to the backup is sent back, and the backup's role row stays unarmed.
      repeatUntil(enough, watched, async () => {
        const answer = await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }));
        const row = await role();
        return { reason: answer.ok ? "served" : answer.error.data?.reason, row };
      }),
    ]);

    expect(reserved.length).toBeGreaterThanOrEqual(10);
    expect(new Set(reserved)).toEqual(new Set(["RESERVED_SERIAL"]));
    expect(wrong.length).toBeGreaterThanOrEqual(10);
    expect([...new Set(wrong)].filter((reason) => reason !== "BAD_SECRET" && reason !== "RATE_LIMITED")).toEqual([]);
    expect(watched.length).toBeGreaterThanOrEqual(10);
    expect(new Set(watched.map((w) => w.reason))).toEqual(new Set(["BACKUP_INACTIVE"]));
    // What arms a backup is SLS_MAIN_DOWN_AFTER_FAILED_SYNCS (3 here) syncs in a row without an
    // answer. On a loaded 2-core machine the main server, busy hashing the wrong secrets, may answer
    // one sync after its 500 ms timeout (seen at load average 13); the flood must never make it miss
    // three in a row.
    expect(watched.map((w) => w.row?.failedSyncs ?? -1).filter((n) => n < 0 || n >= 3)).toEqual([]);
    expect(watched.filter((w) => w.row?.active !== false)).toEqual([]);
    // Its syncs kept succeeding all along (a new lastSyncAt every interval or so).
    expect(watched.filter((w) => !w.row?.lastSyncAt)).toEqual([]);
    // The backup's registration on the main server was never superseded, and nothing was recorded for the refused calls.
    expect((await backupRecord())?.tokenHash).toBe(backupRow!.tokenHash);
    expect(await registrations()).toEqual(registeredBefore);
    expect(await auditEvents(backupStore, { types: ["backup.link-refused"] })).toEqual([]);

    // Neither server names the backup's serial in /metrics (unauthenticated here: no SLS_METRICS_TOKEN).
    for (const url of [mainUrl, backupUrl]) {
      const response = await fetch(`${url}/metrics`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toMatch(/^sls_backup_last_sync_age_seconds \d/m);
      expect(text).not.toContain(BACKUP_SERIAL);
    }
  }, 120_000);
});

describe("a main server that answers is up, even when it refuses the backup: only no answer at all arms it", () => {
  let pair: BackupPair;
  afterAll(async () => {
    await pair?.close();
  });

  it("refusals (a link key changed on one side) are alerted once and never arm the backup; a killed main server still does", async () => {
    pair = await backupPair({ label: "refused", serial: "IDBACKUP2", syncMs: SYNC_MS });
    await pair.startBackup();
    const { mainUrl, backupUrl, backupStore } = pair;
    const role = () => backupStore.backup.readRole();
    await waitFor(async () => (await role())?.lastSyncAt != null, { what: "the backup's first sync" });
    const reg = await settle(applianceClient(mainUrl).appliance.register.mutate(registration("IDAPP2")));
    if (!reg.ok) throw new Error(JSON.stringify(reg.error));
    const token = reg.data.token;
    await waitFor(async () => (await backupStore.findParticipantBySerial("IDAPP2")) !== null, {
      what: "the backup to mirror the appliance",
    });
    const refusedRows = () => auditEvents(backupStore, { types: ["backup.link-refused"] });
    // The alert engine starts from the audit rows written after its first turn on a new database.
    await waitFor(async () => (await backupStore.alerts.readEngine()) !== null, {
      what: "the backup's alert engine to start",
    });

    // The main server comes back with another link key: it answers every backup call with 401 BAD_SECRET.
    await pair.main.stop();
    pair.mainEnv.SLS_BACKUP_KEY = `${BACKUP_KEY}-rotated-on-the-main-only`;
    const main = await pair.startMain();
    await waitFor(async () => (await refusedRows()).length > 0, { what: "the refusal to be audited on the backup" });
    const refusedCalls = () => main.output().match(/backup link: (sync|register)-request refused/g)?.length ?? 0;
    const from = refusedCalls();
    type Look = { reason: string | undefined; failedSyncs: number | undefined; active: boolean | undefined };
    const looks: Look[] = [];
    const bad = (l: Look) => l.reason !== "BACKUP_INACTIVE" || l.failedSyncs !== 0 || l.active !== false;
    await waitFor(
      async () => {
        const answer = await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }));
        const row = await role();
        looks.push({
          reason: answer.ok ? "served" : answer.error.data?.reason,
          failedSyncs: row?.failedSyncs,
          active: row?.active,
        });
        // Stops at the first look that shows the backup counting refusals (or serving), to show it.
        return refusedCalls() >= from + 10 || bad(looks.at(-1)!);
      },
      { what: "ten more refused backup calls" },
    );
    expect(looks.filter(bad)).toEqual([]);
    // Logged every time, audited once for the cause, and raised as an alert by the backup's alert engine.
    const rows = await refusedRows();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ reason: "BAD_SECRET", status: 401 });
    expect(JSON.parse(rows[0]!.detail!).cause).toContain("SLS_BACKUP_KEY");
    await waitFor(
      async () => (await backupStore.alerts.recent(20)).find((alert) => alert.kind === "backup-link-refused"),
      { what: "the backup-link-refused alert", timeoutMs: 30_000 },
    );

    // The main server really down: no answer at all, and the backup takes over.
    await main.crash();
    await waitFor(
      async () => (await settle(applianceClient(backupUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).ok,
      { what: "the backup to take over" },
    );
  }, 120_000);
});
