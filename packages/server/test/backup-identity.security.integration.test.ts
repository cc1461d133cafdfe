import { request } from "node:http";
import { auditEvents } from "@sls/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { backupPair, type BackupPair } from "./backup-pair.ts";
import { applianceClient } from "./kit/clients.ts";
import { registration, SECRET, settle, waitFor } from "./harness.ts";

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

/** Runs `step` again and again until `until`, collecting what each run resolves to. */
async function repeatUntil<T>(until: number, step: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  while (Date.now() < until) results.push(await step());
  return results;
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
    const backupRow = await mainStore.findParticipantBySerial(BACKUP_SERIAL);
    expect(backupRow).not.toBeNull();
    const registrations = () => auditEvents(mainStore, { types: ["register"], serials: [BACKUP_SERIAL] });
    const registeredBefore = await registrations();
    expect(registeredBefore.map((r) => r.actor)).toContain(`backup:${BACKUP_SERIAL}`);

    const until = Date.now() + 10 * SYNC_MS;
    const [reserved, wrong, watched] = await Promise.all([
      // The appliance knows the fleet secret and the backup's serial (the console shows it).
      repeatUntil(until, () => registerFrom("127.0.0.2", mainUrl, registration(BACKUP_SERIAL))),
      // Wrong secrets from four other addresses at once.
      Promise.all(
        [3, 4, 5, 6].map((host) =>
          repeatUntil(until, () =>
            registerFrom(`127.0.0.${host}`, mainUrl, registration(`IDWRONG${host}`, { secret: `${SECRET}-wrong` })),
          ),
        ),
      ).then((lists) => lists.flat()),
      // Meanwhile an appliance that turns to the backup is sent back, and the backup's role row stays unarmed.
      repeatUntil(until, async () => {
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
    expect(watched.map((w) => w.row?.failedSyncs ?? -1).filter((n) => n !== 0)).toEqual([]);
    expect(watched.filter((w) => w.row?.active !== false)).toEqual([]);
    // Its syncs kept succeeding all along (a new lastSyncAt every interval or so).
    const syncedAt = new Set(watched.map((w) => w.row!.lastSyncAt!.getTime()));
    expect(syncedAt.size).toBeGreaterThanOrEqual(5);
    // The backup's registration on the main server was never superseded, and nothing was recorded for the refused calls.
    expect((await mainStore.findParticipantBySerial(BACKUP_SERIAL))?.tokenHash).toBe(backupRow!.tokenHash);
    expect(await registrations()).toEqual(registeredBefore);
    expect(await auditEvents(backupStore, { types: ["backup.link-refused"] })).toEqual([]);
  }, 120_000);
});

