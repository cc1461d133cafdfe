import type { Page } from "@playwright/test";
import { startOidcProvider, type TestOidcProvider } from "@sls/server/testing/oidc-provider";
import { expectAccessible } from "./a11y.ts";
import { consoleApi } from "./api.ts";
import { ADMIN, signInAsAdmin } from "./console.ts";
import { expect, test as base } from "./fresh-app.ts";

// A real OpenID provider (oidc-provider, in this worker) that the spec's app signs in through.
const test = base.extend<object, { idp: TestOidcProvider }>({
  idp: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring
    async ({}, use) => {
      const idp = await startOidcProvider();
      await use(idp);
      await idp.close();
    },
    { scope: "worker" },
  ],
  appEnv: async ({ idp }, use) => use(idp.env),
});

/** The console has its first (break-glass) administrator, made in a browser of its own. */
test.beforeEach(async ({ browser, app }) => {
  const context = await browser.newContext({ baseURL: app.url });
  await signInAsAdmin(await context.newPage(), app);
  await context.close();
});

/** From the console's sign-in page through the provider's own login form (and its "Continue"). */
async function signInWithSso(page: Page, idp: TestOidcProvider, user: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.locator('input[name="login"]').fill(user);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

test("an administrator signs in through the provider, lands on the overview as admin, and signs out of both", async ({
  page,
  app,
  idp,
}) => {
  await signInWithSso(page, idp, "alice");
  await expect(page).toHaveURL(`${app.url}/`);
  await expect(page.getByTestId("signed-in-as")).toHaveText("alice");
  await expect(page.getByText("admin", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Accounts" })).toBeVisible();

  // The account the sign-in made is marked as from the provider, with no password to reset.
  await page.getByRole("link", { name: "Accounts" }).click();
  const alice = page.getByTestId("account-row").filter({ hasText: "alice" });
  await expect(alice).toContainText("SSO");
  await expect(alice.getByRole("button", { name: "Reset password" })).toHaveCount(0);
  await expect(page.getByTestId("account-row").filter({ hasText: ADMIN.name })).toContainText("break-glass");

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("sso-admin-groups")).toHaveText("sls-admins");
  await expect(page.getByTestId("sso-viewer-groups")).toHaveText("sls-viewers");
  await expectAccessible(page, "settings, with single sign-on configured");

  await page.getByRole("button", { name: "Sign out" }).click();
  // The provider asks before ending its own session, then sends the browser back to the console.
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${app.url}/login`);
  await expect(page.getByRole("link", { name: "Sign in with SSO" })).toBeVisible();
  await expectAccessible(page, "sign-in, with single sign-on offered");
  expect((await consoleApi(page).auth.state.query()).account).toBeNull();
});

test("a viewer lands as a viewer; someone in neither group is told why", async ({ page, browser, app, idp }) => {
  await signInWithSso(page, idp, "bob");
  await expect(page.getByTestId("signed-in-as")).toHaveText("bob");
  await expect(page.getByText("viewer", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Accounts" })).toHaveCount(0);

  const stranger = await (await browser.newContext({ baseURL: app.url })).newPage();
  await signInWithSso(stranger, idp, "carol");
  await expect(stranger).toHaveURL(`${app.url}/login?sso=no-role`);
  await expect(stranger.getByTestId("sso-error")).toContainText("in none of the groups this console admits");
  await expectAccessible(stranger, "sign-in, single sign-on refused");
  expect((await consoleApi(stranger).auth.state.query()).account).toBeNull();
  await stranger.context().close();
});
