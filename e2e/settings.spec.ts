import type { Page } from "@playwright/test";
import { figure, uniqueSerial } from "./fixtures.ts";
import { ADMIN, registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

// In order: the last test checks the audit rows the others wrote.
test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page, app }) => {
  await signInAsAdmin(page, app);
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

function form(page: Page, id: string) {
  return page.getByTestId(`form-${id}`);
}

async function expectToast(page: Page, text: string | RegExp) {
  await expect(page.getByRole("listitem").filter({ hasText: text }).first()).toBeVisible();
}

test("refresh interval: 5 s is refused in the browser, 60 s is saved", async ({ page }) => {
  const interval = form(page, "refresh-interval");
  const field = interval.getByLabel("Refresh interval");
  await expect(field).toHaveValue("30");
  await field.fill("5");
  await interval.getByRole("button", { name: "Save" }).click();
  await expect(interval.getByRole("alert")).toHaveText("Enter a whole number from 10 to 300.");
  await expectAccessible(page, "settings, with a form error");
  await field.fill("60");
  await interval.getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Refresh interval set to 60 s.");
  await page.reload();
  await expect(form(page, "refresh-interval").getByLabel("Refresh interval")).toHaveValue("60");
});

test("pool size: shrinking below what is granted is refused with the figure; growing is saved", async ({
  page,
  request,
}) => {
  const appliance = await registerAppliance(request, uniqueSerial("POOL"));
  await requestSessions(request, appliance, 300);
  await page.reload();
  const pool = form(page, "pool-size");
  const field = pool.getByLabel("Pool size");

  await field.fill("2000000");
  await pool.getByRole("button", { name: "Save" }).click();
  await expect(pool.getByRole("alert")).toHaveText("Enter a whole number from 0 to 1,000,000.");

  // Valid for the browser, refused by the allocator: the server's figure appears by the field.
  await field.fill("200");
  await pool.getByRole("button", { name: "Save" }).click();
  await expect(pool.getByRole("alert")).toContainText(
    "Pool size 200 is below the 300 sessions granted now; choose at least 300",
  );

  await field.fill("800");
  await pool.getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Pool size set to 800 sessions.");
  await page.goto("/");
  await expect(page.getByTestId("pool-size")).toHaveText(figure(800));
  await expect(page.getByTestId("available")).toHaveText(figure(500));
});

test("backup server: an address with a path is refused; a valid one is saved, then removed", async ({ page }) => {
  const backup = form(page, "backup");
  await backup.getByLabel("Use a backup server").check();
  await backup.getByLabel("Serial", { exact: true }).fill("JAD2231B0CD");
  await backup.getByLabel("Address").fill("backup.example.net/some/path");
  await backup.getByRole("button", { name: "Save" }).click();
  // Browser rules only catch the empty address; the server's rule names the field.
  await expect(backup.getByRole("alert")).toContainText(/must be a host name or IP address with an optional port/i);

  await backup.getByLabel("Address").fill("backup.example.net:3000");
  await backup.getByLabel("Failover peer serial (optional)").fill("JAD2231B0CD");
  await backup.getByRole("button", { name: "Save" }).click();
  await expect(backup.getByRole("alert")).toHaveText("The peer is the other unit, not the backup itself.");
  await backup.getByLabel("Failover peer serial (optional)").fill("JAD2231B0CE");
  await backup.getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Backup server set to JAD2231B0CD at backup.example.net:3000.");

  await page.goto("/");
  await expect(page.getByRole("region", { name: "Backup server" })).toContainText("backup.example.net:3000");
  await page.goto("/settings");
  await form(page, "backup").getByLabel("Use a backup server").uncheck();
  await form(page, "backup").getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Backup server removed.");
});

test("operation: a 0 % threshold is refused; approval and a new threshold are saved and audited", async ({ page }) => {
  const operation = form(page, "operation");
  const threshold = operation.getByLabel("Utilisation alert threshold");
  await expect(threshold).toHaveValue("90");
  await threshold.fill("0");
  await operation.getByRole("button", { name: "Save" }).click();
  await expect(operation.getByRole("alert")).toHaveText("Enter a whole number from 1 to 100.");

  await threshold.fill("75");
  await operation.getByLabel("Approval required for new participants").check();
  await operation.getByRole("button", { name: "Save" }).click();
  await expectToast(page, /approval required, alert at 75 %/);
});

// Last but one: rotating the secret would refuse the appliances the tests above register.
test("shared secret: refused when shorter than 16 characters or with spaces, set when valid", async ({ page }) => {
  const secret = form(page, "secret");
  await expect(page.getByTestId("secret-status")).toContainText("Set");
  const field = secret.getByLabel("New shared secret");

  await field.fill("fifteen-chars-1");
  await secret.getByRole("button", { name: "Rotate secret" }).click();
  await expect(secret.getByRole("alert")).toHaveText("At least 16 characters.");

  await field.fill("has a space in it");
  await secret.getByRole("button", { name: "Rotate secret" }).click();
  await expect(secret.getByRole("alert")).toHaveText("Printable characters only, without spaces.");

  await field.fill("a-much-longer-rotated-secret");
  await secret.getByRole("button", { name: "Rotate secret" }).click();
  await expectToast(page, "Shared secret rotated");
  // Write-only: the field is emptied and the page shows only when it changed.
  await expect(field).toHaveValue("");
  await expect(page.getByTestId("secret-status")).toContainText(/last changed \d+ s ago/);
});

test("every change above is in the audit history, with the administrator's name", async ({ page }) => {
  await page.goto("/audit?type=group%3Aadmin");
  const rows = page.getByTestId("audit-row");
  for (const type of ["admin.operation", "admin.backup", "admin.pool-size", "admin.refresh-interval", "admin.secret"]) {
    await expect(rows.and(page.locator(`[data-type="${type}"]`)).first()).toContainText(`admin:${ADMIN.name}`);
  }
});
