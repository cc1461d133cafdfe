import type { Page } from "@playwright/test";
import { settle } from "@sls/server/testing";
import { consoleApi } from "./api.ts";
import { registerAppliance, requestSessions, signIn, signInAsAdmin, VIEWER } from "./console.ts";
import { figure, uniqueSerial } from "./fixtures.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

// In order, on one app: the groups the first test saves are what the others read, refuse and roll back.
test.describe.configure({ mode: "serial" });

const DC = [uniqueSerial("DC"), uniqueSerial("DC")];
const BRANCH = [uniqueSerial("BR"), uniqueSerial("BR")];

test.beforeEach(async ({ page, app }) => {
  await signInAsAdmin(page, app);
});

function group(page: Page, position: number) {
  return page.getByRole("group", { name: `Group ${position}`, exact: true });
}

function effect(page: Page, name: string, column: string) {
  return page.getByTestId(`effect-${name}`).getByTestId(`effect-${column}`);
}

async function expectToast(page: Page, text: string | RegExp) {
  await expect(page.getByRole("listitem").filter({ hasText: text }).first()).toBeVisible();
}

async function openPolicy(page: Page) {
  await page.goto("/policy");
  await expect(page.getByRole("heading", { name: "Policy", level: 1 })).toBeVisible();
}

test("an admin adds two groups, previews them, saves, and the figures follow the appliances' draws", async ({
  page,
  request,
}) => {
  const dc = await Promise.all(DC.map((serial) => registerAppliance(request, serial)));
  const branch = await Promise.all(BRANCH.map((serial) => registerAppliance(request, serial)));
  await page.goto("/");
  await page.getByRole("link", { name: "Policy", exact: true }).click();
  await expect(page.getByTestId("policy-version")).toHaveText(/No policy saved yet/);

  const form = page.getByTestId("policy-form");
  await form.getByRole("button", { name: "Add group" }).click();
  await group(page, 1).getByLabel("Name", { exact: true }).fill("branches");
  await group(page, 1).getByLabel("Max", { exact: true }).fill("150");
  await group(page, 1).getByLabel("Serials", { exact: true }).fill(BRANCH.join("\n"));
  await form.getByRole("button", { name: "Add group" }).click();
  await group(page, 2).getByLabel("Name", { exact: true }).fill("datacentre");
  await group(page, 2).getByLabel("Reserve", { exact: true }).fill("200");
  await group(page, 2).getByLabel("Priority", { exact: true }).fill("10");
  await group(page, 2).getByLabel("Patterns", { exact: true }).fill("DC-*");
  // The data centre first: the order decides which pattern wins, so it is the operator's to set.
  await group(page, 2)
    .getByRole("button", { name: /Move up/ })
    .click();
  await expect(group(page, 1).getByLabel("Name", { exact: true })).toHaveValue("datacentre");
  await expect(group(page, 2).getByLabel("Name", { exact: true })).toHaveValue("branches");

  await form.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("policy-effect")).toHaveAttribute("data-kind", "preview");
  await expect(effect(page, "datacentre", "members")).toHaveText(figure(2));
  for (const serial of DC) await expect(page.getByTestId("effect-datacentre-serials")).toContainText(serial);
  await expect(effect(page, "datacentre", "reserve")).toHaveText(figure(200));
  await expect(effect(page, "datacentre", "unmet")).toHaveText(figure(200));
  await expect(effect(page, "branches", "members")).toHaveText(figure(2));
  await expect(effect(page, "branches", "max")).toHaveText(figure(150));
  await expect(effect(page, "default", "members")).toHaveText(figure(0));
  await expectAccessible(page, "policy, a preview of two groups");
  // Nothing is saved by a preview.
  expect((await consoleApi(page).admin.policy.get.query()).version).toBeNull();

  await form.getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Policy saved as version 1; 0 sessions granted at once.");
  await expect(page.getByTestId("policy-version")).toHaveText(/Version 1 in force, saved by admin:ops-admin/);
  await expect(page.getByTestId("policy-version-1")).toBeVisible();

  // The branches' max holds: 100 then 50 of the next 100, the rest pending. The data centre takes 150 of its 200.
  expect(await requestSessions(request, branch[0]!, 100)).toMatchObject({ granted: 100 });
  expect(await requestSessions(request, branch[1]!, 100)).toMatchObject({ granted: 50, pending: 50 });
  expect(await requestSessions(request, dc[0]!, 150)).toMatchObject({ granted: 150 });
  await page.reload();
  await expect(page.getByTestId("policy-effect")).toHaveAttribute("data-kind", "current");
  await expect(effect(page, "branches", "held")).toHaveText(figure(150));
  await expect(effect(page, "branches", "pending")).toHaveText(figure(50));
  await expect(effect(page, "datacentre", "held")).toHaveText(figure(150));
  await expect(effect(page, "datacentre", "unmet")).toHaveText(figure(50));
  await expect(effect(page, "default", "held")).toHaveText(figure(0));
  await expect(page.getByText("The form has changed since")).toHaveCount(0);

  // The overview's Groups table: what each group holds, its reservation nobody holds, its pending demand.
  await page.getByRole("link", { name: "Overview" }).click();
  const overviewFigure = (name: string, column: string) =>
    page.getByTestId(`group-${name}`).locator(`[data-figure="${column}"]`);
  await expect(overviewFigure("datacentre", "held")).toHaveText(figure(150));
  await expect(overviewFigure("datacentre", "reservedUnused")).toHaveText(figure(50));
  await expect(overviewFigure("branches", "held")).toHaveText(figure(150));
  await expect(overviewFigure("branches", "pending")).toHaveText(figure(50));
  await expect(overviewFigure("branches", "max")).toHaveText(figure(150));
  // One more draw: the table follows without a reload (it refreshes every 3 s).
  const other = await registerAppliance(request, uniqueSerial("DEF"));
  expect(await requestSessions(request, other, 50)).toMatchObject({ granted: 50 });
  await expect(overviewFigure("default", "held")).toHaveText(figure(50));
});

test("a refusal is shown by the form with the server's message and nothing is saved", async ({ page }) => {
  await openPolicy(page);
  const form = page.getByTestId("policy-form");
  await expect(page.getByTestId("policy-effect")).toHaveAttribute("data-kind", "current");
  await group(page, 1).getByLabel("Name", { exact: true }).fill("Data Centre");
  // The figures beside the form are those of the policy in force, no longer of the form.
  await expect(page.getByText("The form has changed since: press Preview again.")).toBeVisible();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(group(page, 1).getByRole("alert")).toHaveText("Use 1–40 characters of a–z, 0–9 and -.");

  // Valid in the browser, refused by the server's rules: the reservations exceed the pool of 500.
  await group(page, 1).getByLabel("Name", { exact: true }).fill("datacentre");
  await group(page, 2).getByLabel("Reserve", { exact: true }).fill("400");
  await group(page, 2).getByLabel("Max", { exact: true }).fill("");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("policy-refusal")).toContainText(
    /the groups reserve 600 sessions \(datacentre 200, branches 400\) but the pool has 500/i,
  );
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("policy-refusal")).toContainText("lower the reservations by 100");
  await expectAccessible(page, "policy, refused by the server");

  // A serial the server's schema refuses: its message stands under the group's Serials.
  await group(page, 2).getByLabel("Reserve", { exact: true }).fill("0");
  await group(page, 2)
    .getByLabel("Serials", { exact: true })
    .fill([...BRANCH, "not-a-serial!"].join("\n"));
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(group(page, 2).getByRole("alert")).toHaveText("May contain only A–Z a–z 0–9 . _ -.");
  await expect(page.getByTestId("policy-refusal")).toContainText("groups.1.serials.2");
  expect((await consoleApi(page).admin.policy.get.query()).version).toBe(1);
});

test("a viewer reads the policy and its history but can change nothing", async ({ page, browser, app }) => {
  await consoleApi(page).admin.accounts.create.mutate({ ...VIEWER, role: "viewer" });
  const viewerPage = await (await browser.newContext({ baseURL: app.url })).newPage();
  await signIn(viewerPage, VIEWER);
  await viewerPage.getByRole("link", { name: "Policy", exact: true }).click();
  await expect(group(viewerPage, 1).getByLabel("Name", { exact: true })).toHaveValue("datacentre");
  await expect(group(viewerPage, 1).getByLabel("Name", { exact: true })).toBeDisabled();
  await expect(viewerPage.getByRole("button", { name: "Save" })).toBeDisabled();
  await expect(viewerPage.getByRole("button", { name: "Add group" })).toBeDisabled();
  await expect(viewerPage.getByText("Read-only: viewers cannot preview or change the policy.")).toBeVisible();
  // The figures under the policy in force are for viewers too (read like the overview's; a preview reads every participant).
  await expect(viewerPage.getByTestId("policy-effect")).toHaveAttribute("data-kind", "current");
  await expect(viewerPage.getByTestId("effect-branches").getByTestId("effect-held")).toHaveText(figure(150));
  await expect(viewerPage.getByTestId("policy-version-1")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: /Roll back/ })).toHaveCount(0);

  // The server refuses a viewer's change whatever the page shows.
  const api = consoleApi(viewerPage);
  const current = await api.admin.policy.get.query();
  const refused = await settle(api.admin.policy.save.mutate({ ...current.definition, poolPaused: true }));
  expect(refused).toMatchObject({ ok: false, status: 403, error: { data: { reason: "ADMIN_ONLY" } } });
  const rollback = await settle(api.admin.policy.rollback.mutate({ version: 1 }));
  expect(rollback).toMatchObject({ ok: false, status: 403, error: { data: { reason: "ADMIN_ONLY" } } });
  expect((await api.admin.policy.get.query()).version).toBe(1);
  await viewerPage.context().close();
});

test("rolling back restores the version chosen as a new version", async ({ page }) => {
  await openPolicy(page);
  const form = page.getByTestId("policy-form");
  await group(page, 1)
    .getByRole("button", { name: /Remove/ })
    .click();
  await form.getByLabel("Pause the whole pool").check();
  await form.getByRole("button", { name: "Save" }).click();
  await expectToast(page, /Policy saved as version 2/);
  await expect(page.getByTestId("policy-version")).toHaveText(/Version 2 in force/);
  await expect(page.getByRole("group", { name: /^Group / })).toHaveCount(1);
  await expect(group(page, 1).getByLabel("Name", { exact: true })).toHaveValue("branches");

  await page.getByTestId("policy-version-1").getByRole("button", { name: "Roll back to version 1" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "policy, the roll-back dialog open");
  await page.getByRole("dialog").getByRole("button", { name: "Roll back", exact: true }).click();
  await expectToast(page, "Version 1 restored as version 3.");
  await expect(page.getByTestId("policy-version")).toHaveText(/Version 3 in force/);
  await expect(page.getByTestId("policy-version-3")).toContainText("version 1");
  await expect(group(page, 1).getByLabel("Name", { exact: true })).toHaveValue("datacentre");
  await expect(group(page, 1).getByLabel("Reserve", { exact: true })).toHaveValue("200");
  await expect(form.getByLabel("Pause the whole pool")).not.toBeChecked();

  const api = consoleApi(page);
  const [now, history] = await Promise.all([api.admin.policy.get.query(), api.admin.policy.history.query()]);
  expect(now.version).toBe(3);
  expect(now.definition).toEqual(history.find((v) => v.version === 1)?.definition);
});
