import { figure, uniqueSerial } from "./fixtures.ts";
import { settle } from "@sls/server/testing";
import { consoleApi } from "./api.ts";
import { registerAppliance, requestSessions, signInAsAdmin, signIn, VIEWER } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test("a viewer sees every page but can change nothing", async ({ page, browser, request, app }) => {
  await signInAsAdmin(page, app);
  await consoleApi(page).admin.accounts.create.mutate({ ...VIEWER, role: "viewer" });
  const appliance = await registerAppliance(request, uniqueSerial("VIEW"));
  await requestSessions(request, appliance, 100);

  const viewerPage = await (await browser.newContext({ baseURL: app.url })).newPage();
  await signIn(viewerPage, VIEWER);
  await expect(viewerPage.getByTestId("granted")).toHaveText(figure(100));
  // No accounts page for viewers.
  await expect(viewerPage.getByRole("link", { name: "Accounts" })).toHaveCount(0);

  await viewerPage.getByRole("link", { name: "Participants", exact: true }).click();
  const row = viewerPage.getByTestId("participant-row").filter({ hasText: appliance.serial });
  await expect(row.getByTestId("participant-granted")).toHaveText(figure(100));
  await expect(row.getByRole("button")).toHaveCount(0);

  await viewerPage.getByRole("link", { name: "Settings" }).click();
  const pool = viewerPage.getByTestId("form-pool-size");
  await expect(pool.getByLabel("Pool size")).toBeDisabled();
  await expect(pool.getByText("Read-only: viewers cannot change settings.")).toBeVisible();
  await expectAccessible(viewerPage, "settings, read-only for a viewer");

  await viewerPage.getByRole("link", { name: "Audit history" }).click();
  await expect(viewerPage.getByTestId("audit-row").first()).toBeVisible();

  // The server refuses a viewer's change whatever the page shows.
  const refused = await settle(consoleApi(viewerPage).admin.settings.setPoolSize.mutate({ poolSize: 10 }));
  expect(refused).toMatchObject({ ok: false, status: 403, error: { data: { reason: "ADMIN_ONLY" } } });
  await viewerPage.goto("/accounts");
  await expect(viewerPage.getByText("Administrators only")).toBeVisible();
  await viewerPage.context().close();
});
