import type { Locator, Page } from "@playwright/test";
import { consoleApi } from "./api.ts";
import { ADMIN, registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { uniqueSerial } from "./fixtures.ts";
import { expect, test } from "./fresh-app.ts";

/** The most presses of Tab any walk below may take to reach its target. */
const MAX_TABS = 60;

/** What has focus, and whether it shows a ring a sighted keyboard user can see. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
      description: `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40) || element.getAttribute("aria-label") || ""}"`,
      ring:
        element.matches(":focus-visible") &&
        style.outlineStyle !== "none" &&
        Number.parseFloat(style.outlineWidth) >= 2 &&
        style.outlineColor !== "transparent",
      visible: box.width > 1 && box.height > 1 && style.visibility !== "hidden",
    };
  });
}

async function expectFocusRing(page: Page) {
  const now = await focused(page);
  expect(now, "something on the page has focus").not.toBeNull();
  expect(now, `the focused ${now?.description} shows a visible focus ring`).toMatchObject({
    ring: true,
    visible: true,
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, checking that every element passed on the
 * way shows its focus ring; fails when `target` is not reached within MAX_TABS presses.
 */
async function tabTo(page: Page, target: Locator, { backwards = false } = {}): Promise<void> {
  const path: string[] = [];
  if (await hasFocus(target)) return;
  for (let presses = 0; presses < MAX_TABS; presses++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    await expectFocusRing(page);
    path.push((await focused(page))?.description ?? "");
    if (await hasFocus(target)) return;
  }
  throw new Error(`not reached by keyboard in ${MAX_TABS} presses of Tab: ${target}; passed ${path.join(", ")}`);
}

const hasFocus = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

test("the console works from the keyboard alone: sign in, the nav, a confirmation dialog, a settings form", async ({
  page,
  request,
  app,
}) => {
  // The account and a participant holding sessions (for the dialog) come through the API.
  await signInAsAdmin(page, app);
  const holder = await registerAppliance(request, uniqueSerial("KEYS"));
  await requestSessions(request, holder, 100);
  await consoleApi(page).auth.logout.mutate();

  // Sign in: the name field has focus when the page opens; Tab to the password; Enter submits.
  await page.goto("/login");
  const name = page.getByLabel("Account name");
  await expect(name).toBeFocused();
  await page.keyboard.type(ADMIN.name);
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.name);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();

  // The first Tab shows the skip link; following it, the next Tab lands inside the main content.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await expectFocusRing(page);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
  await expectFocusRing(page);

  // The nav, in the order it shows, then its Participants link opened with Enter.
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Console" }).getByRole("link");
  const labels = await nav.allInnerTexts();
  await tabTo(page, nav.first());
  for (let index = 1; index < labels.length; index++) {
    await page.keyboard.press("Tab");
    await expect(nav.nth(index), `Tab moves on to the nav's entry ${labels[index]}`).toBeFocused();
    await expectFocusRing(page);
  }
  await tabTo(page, page.getByRole("link", { name: "Participants", exact: true }), { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/participants$/);

  // A row's actions menu, its Force release… item, the dialog: focus stays inside it while open;
  // Cancel closes it, changes nothing, and gives focus back to the menu's button; so does Escape.
  const row = page.getByTestId("participant-row").filter({ hasText: holder.serial });
  const actions = row.getByRole("button", { name: `Actions for ${holder.serial}` });
  const dialog = page.getByRole("dialog", { name: `Force release ${holder.serial}?` });
  const openForceRelease = async () => {
    await tabTo(page, actions);
    await page.keyboard.press("Enter");
    await tabTo(page, row.getByRole("button", { name: "Force release…" }));
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
  };
  await openForceRelease();
  for (let presses = 0; presses < 6; presses++) {
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await expectFocusRing(page);
    await page.keyboard.press("Tab");
  }
  await tabTo(page, dialog.getByRole("button", { name: "Cancel" }));
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(actions).toBeFocused();
  await expectFocusRing(page);
  expect((await consoleApi(page).admin.participants.get.query({ serial: holder.serial })).participant.granted).toBe(
    100,
  );
  await openForceRelease();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(actions).toBeFocused();

  // A settings form, reached through the nav and submitted with Enter.
  await tabTo(page, page.getByRole("link", { name: "Settings", exact: true }), { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  const interval = page.getByTestId("form-refresh-interval").getByLabel("Refresh interval");
  await expect(interval).toHaveValue("30");
  await tabTo(page, interval);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("45");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("listitem").filter({ hasText: "Refresh interval set to 45 s." })).toBeVisible();
  expect((await consoleApi(page).admin.settings.get.query()).refreshIntervalSec).toBe(45);
  // The form is drawn anew with the stored value; focus is back in its field, not lost to the page.
  await expect(page.getByTestId("form-refresh-interval").getByLabel("Refresh interval")).toBeFocused();
  await expectFocusRing(page);
});
