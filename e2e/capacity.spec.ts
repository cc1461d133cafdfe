import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";
import { readmeShot } from "./readme-shots.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SEED_POOL = 5000;

/**
 * The app of this file starts on a database that already holds 30 days of hourly capacity
 * samples, written by the server's own CapacityRepository (packages/server/scripts/capacity-seed-cli.ts).
 * Seeded in the worker only: the runner loads spec files to list them, too. The folder goes when
 * the worker ends, after its fixtures have stopped the app that uses it (a failing test too).
 */
function seededDatabase(): string {
  if (process.env.TEST_WORKER_INDEX === undefined) return "file:seeded-in-the-worker-only.db";
  const dir = mkdtempSync(path.join(tmpdir(), "sls-e2e-capacity-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const url = `file:${path.join(dir, "capacity.db")}`;
  execFileSync(
    path.join(ROOT, "apps", "web", "node_modules", ".bin", "tsx"),
    [path.join(ROOT, "packages", "server", "scripts", "capacity-seed-cli.ts"), url, "30", String(SEED_POOL)],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return url;
}

test.use({ appEnv: { DATABASE_URL: seededDatabase() }, viewport: { width: 1440, height: 1000 } });

test("the capacity page shows a seeded 30-day history, per participant and in total, and downloads it as CSV", async ({
  page,
  app,
}) => {
  await signInAsAdmin(page, app);
  await page.goto("/capacity");
  await expect(page.getByRole("heading", { name: "Capacity" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Last 30 days" })).toHaveAttribute("aria-pressed", "true");

  const totals = page.getByTestId("capacity-totals");
  await expect(totals).toContainText("Pool size needed");
  // The seeded fleet asks for more than 5,000 at its weekday peaks: the pool ran dry and demand waited.
  const needed = Number(((await totals.locator("dd").first().textContent()) ?? "").replace(/\D/g, ""));
  expect(needed).toBeGreaterThan(SEED_POOL);
  await expect(totals).toContainText(`pool was ${SEED_POOL.toLocaleString("en-US")}`);
  const dry = Number(
    ((await totals.locator("div", { hasText: "Pool ran dry" }).locator("dd").first().textContent()) ?? "").replace(
      /\D/g,
      "",
    ),
  );
  expect(dry).toBeGreaterThan(0);

  const rows = page.getByTestId("capacity-participants").locator("tbody tr");
  await expect(rows).toHaveCount(8);
  await expect(rows.first()).toContainText("JAD2231A0BC");
  await expect(page.getByRole("figure", { name: /Daily peak demand/ })).toBeVisible();
  await expectAccessible(page, "capacity, 30 days of history");

  await readmeShot(page, "capacity");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^sls-capacity-30d-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await (await file.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString("utf8").trim().split("\r\n");
  expect(lines[0]).toBe(
    "serial,peak granted,peak in use,peak in use from pool,unmet session-minutes,times the pool ran dry,pool size needed",
  );
  expect(lines).toHaveLength(1 + 8 + 1);
  expect(lines.at(-1)).toMatch(new RegExp(`^TOTAL,.*,${dry},${needed}$`));

  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(rows).toHaveCount(8);
});
