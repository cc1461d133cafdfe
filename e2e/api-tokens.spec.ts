import { expectAccessible } from "./a11y.ts";
import { signInAsAdmin } from "./console.ts";
import { expect, test } from "./fresh-app.ts";

test("an administrator creates an API token, sees it once, a script uses it, and revoking it ends it", async ({
  page,
  request,
  app,
}) => {
  await signInAsAdmin(page, app);
  await page.goto("/accounts");
  const form = page.getByTestId("form-new-api-token");
  await form.getByLabel("Name").fill("nightly report");
  await form.getByLabel("Scope").selectOption("viewer");
  await form.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByTestId("new-api-token").getByLabel("The new token");
  await expect(shown).toHaveValue(/^sls_tok_[\w-]{43}$/);
  const token = await shown.inputValue();
  await expectAccessible(page, "accounts, a new API token shown once");
  const call = () =>
    request.get(`${app.url}/api/trpc/admin.settings.get`, { headers: { authorization: `Bearer ${token}` } });
  expect((await call()).status()).toBe(200);

  await page.getByTestId("new-api-token").getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-api-token")).toHaveCount(0);
  const row = page.getByTestId("api-token-row").filter({ hasText: "nightly report" });
  await expect(row).toContainText("viewer");
  await expect(row).toContainText("active");
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(token);

  await row.getByRole("button", { name: "Revoke" }).click();
  await page
    .getByRole("dialog", { name: "Revoke the token nightly report?" })
    .getByRole("button", { name: "Revoke token" })
    .click();
  await expect(row).toContainText("revoked");
  await expectAccessible(page, "accounts, a revoked API token listed");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  const refused = await call();
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.data.reason).toBe("API_TOKEN_REVOKED");
});
