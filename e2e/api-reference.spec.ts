import type { Page } from "@playwright/test";
import { expect, test } from "./fresh-app.ts";

declare global {
  interface Window {
    cspViolations: string[];
  }
}

/** Loads the reference page and returns what the browser said about the policy it came with. */
async function loadReference(page: Page): Promise<{ policy: string; violations: string[]; consoleProblems: string[] }> {
  const consoleProblems: string[] = [];
  page.on("console", (message) => {
    if (/content security policy|refused to (execute|load|apply)/i.test(message.text()))
      consoleProblems.push(message.text());
  });
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`),
    );
  });
  const response = await page.goto("/api/reference");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Shared License Server API");
  await expect(page.locator("section#appliance\\.register")).toBeVisible();
  // The style element was applied (a blocked one leaves the method badge unstyled).
  await expect(page.locator("section#appliance\\.register .method")).toHaveCSS("background-color", "rgb(37, 99, 235)");
  await page.waitForLoadState("load");
  return {
    policy: response?.headers()["content-security-policy"] ?? "",
    violations: await page.evaluate(() => window.cspViolations),
    consoleProblems,
  };
}

test("the API reference renders without a script and without a policy violation, under its own policy and the console's", async ({
  page,
  request,
}) => {
  const own = await loadReference(page);
  expect(own.policy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(own.violations).toEqual([]);
  expect(own.consoleProblems).toEqual([]);
  expect(await page.locator("script").count()).toBe(0);
  await page.getByRole("link", { name: "request", exact: true }).click();
  await expect(page).toHaveURL(/#appliance\.request$/);

  // The same page answered with the console pages' own policy (as a console page gets it).
  const consolePage = await request.get("/login");
  const consolePolicy = consolePage.headers()["content-security-policy"] ?? "";
  expect(consolePolicy).toContain("script-src 'self' 'nonce-");
  const underConsolePolicy = await page.context().newPage();
  await underConsolePolicy.route("**/api/reference", async (route) => {
    const original = await route.fetch();
    await route.fulfill({
      response: original,
      headers: { ...original.headers(), "content-security-policy": consolePolicy },
    });
  });
  const underConsole = await loadReference(underConsolePolicy);
  expect(underConsole.policy).toBe(consolePolicy);
  expect(underConsole.violations).toEqual([]);
  expect(underConsole.consoleProblems).toEqual([]);
});
