import { auditEvents } from "@sls/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { OUTAGE_EVENT_TYPES } from "../src/services/backup/outage-wire.ts";
import { backupPair } from "./kit/backup-pair.ts";
import { applianceClient } from "./kit/clients.ts";
import { ADMIN_PASSWORD, ConsoleClient } from "./kit/console-client.ts";
import { providers, registration, settle, waitFor } from "./kit/test-server.ts";

const SYNC_MS = 300;

async function ok<T>(call: Promise<T>): Promise<T> {
  const result = await settle(call);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

/**
 * A takeover and a hand-back through real processes: the backup is paused (SIGSTOP) so that a
 * change on the main server stays unsynchronised, then the main server is paused so that the
 * backup judges it down and serves; the backup changes that same participant, registers a new one,
 * grants and releases; the main server resumes and takes the pool back. The report it records
 * must match both audit histories.
 */
describe.each(providers())(
  "outage report on %s: a takeover and a hand-back, told as the audit tells it",
  (provider) => {
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const close of closers) await close();
    });

    it("records when the main was judged down and by which syncs, the backup's first call and changes, the hand-back's changes and the participant changed on both sides", async () => {
      const pair = await backupPair({ label: "outage", serial: "OUTBKP01", syncMs: SYNC_MS, provider });
      const paused = new Set<number>();
      const pause = (pid: number) => {
        process.kill(pid, "SIGSTOP");
        paused.add(pid);
      };
      const resume = (pid: number) => {
        process.kill(pid, "SIGCONT");
        paused.delete(pid);
      };
      closers.push(async () => {
        for (const pid of paused) process.kill(pid, "SIGCONT");
        await pair.close();
      });
      const { mainUrl, backupUrl, mainStore, backupStore } = pair;
      const backup = await pair.startBackup();
      const admin = new ConsoleClient(mainUrl);
      await admin.trpc.auth.setup.mutate({ setupCode: pair.mainSetupCode(), name: "root", password: ADMIN_PASSWORD });

      const tokens = new Map<string, string>();
      for (const serial of ["OUTA0001", "OUTB0001", "OUTC0001"]) {
        const reg = await ok(applianceClient(mainUrl).appliance.register.mutate(registration(serial)));
        await ok(
          applianceClient(mainUrl, { token: reg.token }).appliance.request.mutate({ sessions: 100, requestId: "s" }),
        );
        tokens.set(serial, reg.token);
      }
      await waitFor(async () => (await backupStore.ledger()).grantedSum === 300, { what: "the backup to mirror" });

      // A change the backup never sees: it is paused, then the main server is.
      pause(backup.pid);
      await ok(
        applianceClient(mainUrl, { token: tokens.get("OUTA0001") }).appliance.request.mutate({
          sessions: 150,
          requestId: "main-only",
        }),
      );
      pause(pair.main.pid);
      resume(backup.pid);

      const served = await waitFor(
        async () => {
          const r = await settle(
            applianceClient(backupUrl, { token: tokens.get("OUTA0001") }).appliance.refresh.mutate({ inUse: 5 }),
          );
          return r.ok ? r.data : null;
        },
        { what: "the backup to take over" },
      );
      // The backup never saw the main server's second grant to OUTA0001.
      expect(served.granted).toBe(100);
      await ok(
        applianceClient(backupUrl, { token: tokens.get("OUTA0001") }).appliance.request.mutate({
          sessions: 200,
          requestId: "backup",
        }),
      );
      await ok(
        applianceClient(backupUrl, { token: tokens.get("OUTB0001") }).appliance.release.mutate({ sessions: 50 }),
      );
      const late = await ok(applianceClient(backupUrl).appliance.register.mutate(registration("OUTNEW01")));
      await ok(
        applianceClient(backupUrl, { token: late.token }).appliance.request.mutate({ sessions: 100, requestId: "b" }),
      );

      resume(pair.main.pid);
      await waitFor(async () => (await admin.trpc.admin.outages.list.query()).length === 1, {
        what: "the main server to take the pool back and record the outage",
      });
      const [listed] = await admin.trpc.admin.outages.list.query();
      const report = await admin.trpc.admin.outages.get.query({ id: listed!.id });

      // When: the last sync, the failed syncs that judged the main server down, the first call served.
      expect(report.failedSyncs.length).toBeGreaterThanOrEqual(3);
      const [lastSync, judged, first, back] = [
        report.lastSyncAt,
        report.judgedDownAt,
        report.firstServedAt,
        report.handedBackAt,
      ].map((at) => Date.parse(at ?? ""));
      expect(lastSync).toBeLessThan(Date.parse(report.failedSyncs[0]!.at));
      expect(Date.parse(report.failedSyncs.at(-1)!.at)).toBeLessThanOrEqual(judged!);
      expect(judged).toBeLessThanOrEqual(first!);
      expect(first).toBeLessThan(back!);
      const backupDown = await auditEvents(backupStore, { types: ["backup.main-down"] });
      expect(backupDown.at(-1)!.at.toISOString()).toBe(report.judgedDownAt);
      const takeover = await auditEvents(backupStore, { types: ["backup-takeover"] });
      expect(takeover.at(-1)!.at.toISOString()).toBe(report.firstServedAt);

      // Every event of the backup's while it served, as its audit history has them.
      const backupRows = (await auditEvents(backupStore, { types: [...OUTAGE_EVENT_TYPES] })).filter(
        (r) => r.at.getTime() >= first!,
      );
      expect(report.events.map((e) => [e.at, e.type, e.serial, e.grantedDelta, e.pendingDelta])).toEqual(
        backupRows.map((r) => [r.at.toISOString(), r.type, r.serial, r.grantedDelta, r.pendingDelta]),
      );
      const counts: Record<string, number> = {};
      for (const r of backupRows) counts[r.type] = (counts[r.type] ?? 0) + 1;
      expect(report.eventCounts).toEqual(counts);
      expect(report.backupEvents).toBe(backupRows.length);
      expect(counts).toMatchObject({ request: 2, release: 1, register: 1 });

      // What the hand-back changed on the main server: its audit rows of that moment.
      const mainRows = (await auditEvents(mainStore)).filter(
        (r) => r.actor === "system:handback" && r.serial !== null && r.at.getTime() === back,
      );
      expect(report.changes.map((c) => [c.type, c.serial, c.grantedDelta, c.pendingDelta, c.grantedAfter])).toEqual(
        mainRows.map((r) => [r.type, r.serial, r.grantedDelta, r.pendingDelta, r.grantedAfter]),
      );
      expect(report.changes.find((c) => c.serial === "OUTNEW01")).toMatchObject({
        registeredOnBackup: true,
        grantedAfter: 100,
      });
      expect(report.changedOnMain).toBe(report.changes.length);

      // OUTA0001 changed on both sides: 250 on the main server, 300 on the backup; the backup's figures won.
      expect(report.reconciledParticipants).toEqual([
        { serial: "OUTA0001", mainGranted: 250, mainPending: 0, grantedAfter: 300, pendingAfter: 0 },
      ]);
      expect(report.reconciled).toBe(1);

      // The hand-back alert names the report.
      const alert = await waitFor(
        async () => (await admin.trpc.admin.alerts.list.query()).find((a) => a.kind === "handback-done") ?? null,
        { what: "the hand-back alert" },
      );
      expect(alert.outageId).toBe(report.id);

      const csv = await admin.trpc.admin.outages.export.query({ id: report.id });
      expect(csv.filename).toBe(`sls-outage-${report.handedBackAt.slice(0, 10)}-${report.id}.csv`);
      const lines = csv.csv.trim().split("\r\n");
      expect(lines.filter((l) => l.startsWith("failed sync,"))).toHaveLength(report.failedSyncs.length);
      expect(lines.filter((l) => l.startsWith("backup,"))).toHaveLength(report.events.length);
      expect(lines.filter((l) => l.startsWith("hand-back,"))).toHaveLength(report.changes.length);
      expect(lines.filter((l) => l.startsWith("reconciled,"))).toEqual([
        expect.stringMatching(
          /^reconciled,.*,OUTA0001,50,0,300,0,"changed on both servers; main had 250 granted, 0 pending"$/,
        ),
      ]);
      await expect(admin.trpc.admin.outages.get.query({ id: "out_nothing" })).rejects.toThrow(
        /No outage report out_nothing/,
      );
    }, 120_000);
  },
);
