import { ADMIN } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test.describe.configure({ mode: "serial" });

test("first start: every page leads to setup, which creates the first administrator with the server's setup code", async ({
  page,
  app,
}) => {
  await page.goto("/participants");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the first administrator" })).toBeVisible();

  // Browser-side validation, before anything is sent.
  await page.getByLabel("Account name").fill(ADMIN.name);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat the password").fill("different");
  await page.getByRole("button", { name: /create administrator/i }).click();
  await expect(page.getByText("Enter the setup code from the server's log.")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: /at least 12 characters/i })).toBeVisible();
  await expect(page.getByText("The two passwords differ.")).toBeVisible();
  await expectAccessible(page, "setup, with form errors");

  // A wrong code is refused by the server, next to the field.
  await page.getByLabel("Setup code").fill("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF");
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat the password").fill(ADMIN.password);
  await page.getByRole("button", { name: /create administrator/i }).click();
  await expect(page.getByText(/Wrong setup code/)).toBeVisible();
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel("Setup code").fill(app.setupCode());
  await page.getByRole("button", { name: /create administrator/i }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.name);
});

test("sign out, then a wrong password is refused and the right one signs in", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Account name").fill(ADMIN.name);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.name);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // Signed out means signed out: the console sends us back to the login page.
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings$/);

  await page.getByLabel("Account name").fill(ADMIN.name);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Wrong account name or password.");
  await expectAccessible(page, "login, with a refusal");
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Back where we were going.
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("setup is closed once an administrator exists", async ({ page }) => {
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);
});
