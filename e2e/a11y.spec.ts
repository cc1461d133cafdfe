import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expectAccessible } from "./a11y.ts";
import { registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { uniqueSerial } from "./fixtures.ts";
import { expect, test } from "./fresh-app.ts";

const SHELL = path.resolve(import.meta.dirname, "..", "apps", "web", "components", "shell");

/**
 * Every page of the console's navigation, read from the shell's code (each entry's
 * `href: "/…"`), so that a page added to the nav is checked here without a change to this spec.
 */
function navPages(): string[] {
  const pages = new Set<string>();
  for (const file of readdirSync(SHELL).filter((name) => /\.tsx?$/.test(name))) {
    for (const [, href] of readFileSync(path.join(SHELL, file), "utf8").matchAll(/\bhref:\s*"(\/[^"#?]*)"/g)) {
      pages.add(href!);
    }
  }
  return [...pages];
}

async function checkEveryPage(page: Page, pages: string[], state: string) {
  for (const href of pages) {
    await page.goto(href);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, `${href}, ${state}`);
  }
}

test("every page of the console's navigation has no serious or critical WCAG 2.2 A/AA violation, empty and with participants", async ({
  page,
  request,
  app,
}) => {
  const pages = navPages();
  await signInAsAdmin(page, app);
  await page.goto("/");
  // What an administrator's nav shows is all in the list read from the code: a nav moved out of the
  // shell, or written so that the list misses it, fails here instead of going unchecked.
  const navLinks = page.getByRole("navigation", { name: "Console" }).getByRole("link");
  await expect(navLinks.first()).toBeVisible();
  const shown = await navLinks.evaluateAll((links) =>
    links.map((link) => new URL((link as HTMLAnchorElement).href).pathname),
  );
  expect(shown.length).toBeGreaterThanOrEqual(8);
  expect(pages).toEqual(expect.arrayContaining(shown));

  await checkEveryPage(page, pages, "no participant");

  // One participant served and one waiting, so the tables, badges and figures have rows to show.
  const served = await registerAppliance(request, uniqueSerial("A11Y"));
  await requestSessions(request, served, 400);
  const waiting = await registerAppliance(request, uniqueSerial("A11Y"));
  await requestSessions(request, waiting, 200);
  await checkEveryPage(page, pages, "with participants");

  await page.goto("/no-such-page");
  await expectAccessible(page, "a page that does not exist");
});
