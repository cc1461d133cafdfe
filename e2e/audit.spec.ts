import { readFile } from "node:fs/promises";
import { uniqueSerial } from "./fixtures.ts";
import { ADMIN, registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test("the audit page shows the events, filters them, and exports the filtered set as CSV", async ({
  page,
  request,
  app,
}) => {
  await signInAsAdmin(page, app);
  const first = await registerAppliance(request, uniqueSerial("AUDA"));
  await requestSessions(request, first, 150);
  const second = await registerAppliance(request, uniqueSerial("AUDB"));
  await requestSessions(request, second, 100);

  await page.goto("/audit");
  const rows = page.getByTestId("audit-row");
  await expect(rows.and(page.locator('[data-type="register"]'))).toHaveCount(2);
  await expect(rows.and(page.locator('[data-type="request"]'))).toHaveCount(2);
  await expect(rows.and(page.locator('[data-type="admin.setup"]'))).toContainText(`admin:${ADMIN.name}`);

  // Filter by participant and type.
  await page.getByLabel("Participant serial").fill(first.serial);
  await page.getByLabel("Event type").selectOption("request");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(first.serial);
  await expect(page).toHaveURL(new RegExp(`serial=${first.serial}`));

  // A time range that ends before the events leaves nothing.
  await page.getByLabel("To").fill("2020-01-01T00:00");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No event matches")).toBeVisible();
  await expectAccessible(page, "audit, filtered to nothing");
  await page.getByLabel("To").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(rows).toHaveCount(1);

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^sls-audit-\d{8}T\d{6}\.csv$/);
  const csv = (await readFile(await download.path())).toString("utf8").trim().split("\r\n");
  expect(csv[0]).toBe("id,at,type,actor,serial,grantedDelta,pendingDelta,grantedAfter,pendingAfter,detail");
  expect(csv).toHaveLength(2);
  expect(csv[1]).toMatch(new RegExp(`^\\d+,[^,]+Z,request,appliance:${first.serial},${first.serial},150,0,150,0,$`));

  // Clearing the filters exports everything.
  await page.getByRole("button", { name: "Clear" }).click();
  const all = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const allRows = (await readFile(await (await all).path())).toString("utf8").trim().split("\r\n");
  expect(allRows.length).toBeGreaterThanOrEqual(6);
});
