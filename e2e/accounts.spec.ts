import { ADMIN, signIn, signInAsAdmin, VIEWER } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test("an administrator adds a viewer, promotes and demotes it, resets its password and removes it; the last admin is protected", async ({
  page,
  browser,
  app,
}) => {
  await signInAsAdmin(page, app);
  await page.goto("/accounts");
  const rows = page.getByTestId("account-row");
  await expect(rows).toHaveCount(1);
  const me = rows.filter({ hasText: ADMIN.name });
  await expect(me.getByRole("button", { name: "Make viewer" })).toBeDisabled();
  await expect(me.getByRole("button", { name: "Remove" })).toBeDisabled();

  const form = page.getByTestId("form-new-account");
  await form.getByLabel("Name").fill("Has Space");
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(form.getByText("Use letters, digits and . _ @ - only, starting with a letter or digit.")).toBeVisible();
  await expect(form.getByRole("alert").filter({ hasText: /At least 12 characters/ })).toBeVisible();
  await expectAccessible(page, "accounts, with form errors");

  await form.getByLabel("Name").fill(VIEWER.name);
  await form.getByLabel("Password").fill(VIEWER.password);
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(
    page.getByRole("listitem").filter({ hasText: `Account ${VIEWER.name} (viewer) created.` }),
  ).toBeVisible();
  const viewerRow = rows.filter({ hasText: VIEWER.name });
  await expect(viewerRow).toContainText("viewer");

  await viewerRow.getByRole("button", { name: "Make admin" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make admin" }).click();
  await expect(viewerRow).toContainText("admin");
  // Two administrators: now either may be demoted.
  await expect(me.getByRole("button", { name: "Make viewer" })).toBeEnabled();
  await viewerRow.getByRole("button", { name: "Make viewer" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make viewer" }).click();
  await expect(viewerRow.getByRole("button", { name: "Make admin" })).toBeVisible();

  // A password reset signs the account out everywhere; the new password works.
  const other = await (await browser.newContext({ baseURL: app.url })).newPage();
  await signIn(other, VIEWER);
  await viewerRow.getByRole("button", { name: "Reset password" }).click();
  const reset = page.getByRole("dialog", { name: `Reset the password of ${VIEWER.name}` });
  await reset.getByLabel("New password").fill("tiny");
  await reset.getByRole("button", { name: "Set password" }).click();
  await expect(reset.getByRole("alert")).toContainText("At least 12 characters");
  await expectAccessible(page, "accounts, a dialog open with a form error");
  await reset.getByLabel("New password").fill("a fresh viewer password");
  await reset.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: `Password of ${VIEWER.name} reset` })).toBeVisible();
  await other.reload();
  await expect(other).toHaveURL(/\/login/);
  await signIn(other, { name: VIEWER.name, password: "a fresh viewer password" });
  await other.context().close();

  await viewerRow.getByRole("button", { name: "Remove" }).click();
  await page
    .getByRole("dialog", { name: `Remove ${VIEWER.name}?` })
    .getByRole("button", { name: "Remove account" })
    .click();
  await expect(rows).toHaveCount(1);
});
