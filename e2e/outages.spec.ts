import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applianceClient, freePort, freshSqlite, waitFor, waitForHealth } from "@sls/server/testing";
import { consoleApi } from "./api.ts";
import { registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { SHARED_SECRET } from "./fixtures.ts";
import { expect, test } from "./fresh-app.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SERVER = path.join(ROOT, "apps", "web", "dist", "server.js");
const BACKUP_KEY = "e2e-backup-link-key-aaaaaaaaaaaaaaaaaaaaaaaaaaa";
const BACKUP_SERIAL = "E2EBACKUP01";
const SYNC_MS = "300";
const POOL = 8000;

/**
 * 30 days of hourly capacity samples whose demand grows 1 % of the first day's a day (the seed
 * the capacity spec uses, with a trend), written by the server's own CapacityRepository. Seeded in
 * the worker only: the runner loads spec files to list them, too.
 */
function seededDatabase(): string {
  if (process.env.TEST_WORKER_INDEX === undefined) return "file:seeded-in-the-worker-only.db";
  const dir = mkdtempSync(path.join(tmpdir(), "sls-e2e-outages-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const url = `file:${path.join(dir, "main.db")}`;
  execFileSync(
    path.join(ROOT, "apps", "web", "node_modules", ".bin", "tsx"),
    [path.join(ROOT, "packages", "server", "scripts", "capacity-seed-cli.ts"), url, "30", String(POOL), "0.01"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return url;
}

test.use({
  appEnv: {
    DATABASE_URL: seededDatabase(),
    SLS_POOL_SIZE: String(POOL),
    SLS_BACKUP_KEY: BACKUP_KEY,
    SLS_SYNC_INTERVAL_MS: SYNC_MS,
  },
  viewport: { width: 1440, height: 1000 },
});

/** The built app again, as the backup server of the spec's app. */
async function startBackup(mainUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const database = freshSqlite("e2e-backup");
  const port = await freePort();
  let log = "";
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    cwd: path.join(ROOT, "apps", "web"),
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: database.url,
      SLS_ROLE: "backup",
      SLS_MAIN_URL: mainUrl,
      SLS_BACKUP_SERIAL: BACKUP_SERIAL,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: SYNC_MS,
      SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: "3",
      SLS_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (!exited()) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    }
    await database.drop();
  };
  try {
    await waitForHealth(url, { timeoutMs: 90_000, process: { exited, output: () => log } });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

test("a takeover and hand-back leaves an outage report, linked from the hand-back alert, with CSV", async ({
  page,
  app,
  request,
}) => {
  test.setTimeout(180_000);
  await signInAsAdmin(page, app);
  const consoleCalls = consoleApi(page);
  const backup = await startBackup(app.url);
  let mainPaused = false;
  try {
    await consoleCalls.admin.settings.setBackup.mutate({
      backup: { address: backup.url, serial: BACKUP_SERIAL, peerSerial: null },
    });
    const unit = await registerAppliance(request, "E2EOUTAGE1");
    await requestSessions(request, unit, 100);
    // A sync applied two intervals after the grant has it: one that began earlier has ended by then.
    const grantedAt = Date.now();
    await waitFor(
      async () => {
        const { backup: card } = await consoleCalls.admin.overview.get.query();
        return card.lastSyncAt !== null && Date.parse(card.lastSyncAt) > grantedAt + 2 * Number(SYNC_MS);
      },
      { what: "the backup to synchronise", timeoutMs: 60_000 },
    );

    // The main server stops answering (paused, as a hung host); the backup judges it down and serves.
    process.kill(app.pid, "SIGSTOP");
    mainPaused = true;
    const onBackup = applianceClient(backup.url, { token: unit.token });
    await waitFor(
      // A refusal (BACKUP_INACTIVE until it has judged the main server down) is not passed yet.
      async () => (await onBackup.appliance.refresh.mutate({ inUse: 10 })).granted === 100,
      { what: "the backup to take over", timeoutMs: 60_000 },
    );
    expect((await onBackup.appliance.request.mutate({ sessions: 200, requestId: "on-backup" })).granted).toBe(300);
    const newcomer = await applianceClient(backup.url).appliance.register.mutate({
      secret: SHARED_SECRET,
      serial: "E2EOUTAGE2",
      hostname: "e2eoutage2.example.net",
      model: "ASA5555-X",
      platformLimit: 1000,
      localLimit: 100,
    });
    expect(newcomer.token).toBeTruthy();
    process.kill(app.pid, "SIGCONT");
    mainPaused = false;

    // The main server takes the pool back within a sync interval and records the outage.
    await waitFor(async () => (await consoleCalls.admin.outages.list.query()).length === 1, {
      what: "the outage report",
      timeoutMs: 60_000,
    });
    await page.goto("/alerts");
    const handback = page.locator('tr[data-kind="handback-done"]');
    await expect(handback).toBeVisible({ timeout: 30_000 });
    await handback.getByRole("link", { name: "Outage report" }).click();

    await expect(page.getByRole("heading", { name: "Outage report" })).toBeVisible();
    const timeline = page.getByTestId("outage-timeline");
    await expect(timeline).toContainText(/Main server judged down after \d+ failed syncs/);
    await expect(timeline).toContainText("Backup served its first call");
    await expect(page.getByTestId("outage-failed-syncs").locator("li")).not.toHaveCount(0);
    await expect(page.getByTestId("outage-events")).toContainText("E2EOUTAGE2");
    await expect(page.getByTestId("outage-events").locator("tbody tr", { hasText: "E2EOUTAGE1" })).toContainText(
      "+200 granted",
    );
    await expect(page.getByTestId("outage-changes")).toContainText("registered on the backup");
    await expect(page.getByTestId("outage-reconciled")).toContainText("Nothing had to be reconciled.");

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sls-outage-\d{4}-\d{2}-\d{2}-out_\w+\.csv$/);
    const csv = Buffer.concat(await (await file.createReadStream()).toArray()).toString("utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "section,at,type,serial,granted delta,pending delta,granted after,pending after,note",
    );
    expect(csv).toMatch(/\r\nbackup,[^,]+,request,E2EOUTAGE1,200,0,300,0,\r\n/);

    await page.getByRole("link", { name: "Outages" }).first().click();
    await expect(page.getByTestId("outages").locator("tbody tr")).toHaveCount(1);
  } finally {
    if (mainPaused) process.kill(app.pid, "SIGCONT");
    await backup.stop();
  }
});

test("the capacity page draws the demand's trend beyond today and names the date it reaches the pool", async ({
  page,
  app,
}) => {
  await signInAsAdmin(page, app);
  const forecast = await consoleApi(page).admin.capacity.forecast.query();
  const recent = forecast.windows.find((w) => w.days === 30)!.trend;
  if (!recent.fitted || recent.reachAt === null)
    throw new Error(`the seeded history gives no date: ${JSON.stringify(recent)}`);

  await page.goto("/capacity");
  const panel = page.getByTestId("capacity-forecast");
  await expect(panel.locator('li[data-window="30"]')).toContainText(
    `reaches the pool of ${POOL.toLocaleString("en-US")} on ${recent.reachAt.slice(0, 10)}`,
  );
  await expect(panel.locator('li[data-window="90"]')).toContainText("R²");
  const chart = panel.getByRole("figure", { name: /trend of daily peak demand beyond today/ });
  await expect(chart).toBeVisible();
  await expect(chart).toContainText("Trend over 30 days");
  // The x axis runs past today: its last tick is a date after today.
  expect(Date.parse(recent.reachAt)).toBeGreaterThan(Date.now());
});
