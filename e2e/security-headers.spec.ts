import { registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { uniqueSerial } from "./fixtures.ts";
import { expect, test } from "./fresh-app.ts";

const PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/participants", heading: "Participants" },
  { path: "/audit", heading: "Audit history" },
  { path: "/settings", heading: "Settings" },
  { path: "/policy", heading: "Policy" },
  { path: "/accounts", heading: "Accounts" },
  { path: "/outages", heading: "Outages" },
];

declare global {
  interface Window {
    cspViolations: string[];
  }
}

test("every page carries a nonce CSP and the other security headers, and works under them without a violation", async ({
  page,
  request,
  app,
}) => {
  const appliance = await registerAppliance(request, uniqueSerial("CSP"));
  await requestSessions(request, appliance, 100);
  await signInAsAdmin(page, app);

  // Violations as the browser reports them, and anything the console logs about the policy.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`),
    );
  });
  const consoleProblems: string[] = [];
  page.on("console", (message) => {
    if (/content security policy|refused to (execute|load|apply)/i.test(message.text()))
      consoleProblems.push(message.text());
  });

  const nonces = new Set<string>();
  for (const { path, heading } of PAGES) {
    const response = await page.goto(path);
    expect(response, path).not.toBeNull();
    const headers = response!.headers();
    const policy = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
    expect(nonce, `${path}: ${policy}`).toBeTruthy();
    nonces.add(nonce!);
    expect(policy).toContain("script-src 'self' 'nonce-");
    expect(policy).toContain("'strict-dynamic'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain("'unsafe-eval'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
    expect(headers["x-frame-options"], path).toBe("DENY");
    // Plain HTTP here: HSTS only comes with TLS (checked in tls.security.integration.test.ts).
    expect(headers["strict-transport-security"], path).toBeUndefined();

    // The console works under the policy: the page's scripts ran and fetched its data.
    await expect(page.getByRole("heading", { name: heading, exact: true, level: 1 })).toBeVisible();
    await expect(page.getByTestId("signed-in-as")).toBeVisible();
    const scriptNonces = await page
      .locator("script[src]")
      .evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(scriptNonces.length, path).toBeGreaterThan(0);
    expect(
      scriptNonces.every((value) => value === nonce),
      path,
    ).toBe(true);
    expect(await page.evaluate(() => window.cspViolations), path).toEqual([]);
  }
  // A fresh nonce for every answer.
  expect(nonces.size).toBe(PAGES.length);

  // The participant detail page too, reached by navigation inside the console.
  await page.goto(`/participants/${appliance.serial}`);
  await expect(page.getByRole("heading", { name: `${appliance.serial.toLowerCase()}.example.net` })).toBeVisible();
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(consoleProblems).toEqual([]);

  // API answers are never meant to render: a policy that allows nothing. A raw request on purpose:
  // its headers are what is checked.
  const api = await page.request.get("/api/trpc/auth.state");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("markup injected into a page cannot run script: the policy blocks its inline handler", async ({ page, app }) => {
  await signInAsAdmin(page, app);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview", exact: true })).toBeVisible();
  // What a stored-XSS payload would do: markup with an inline event handler lands in the page.
  const outcome = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; violated: string }>((resolve) => {
        const holder = window as unknown as { injected?: boolean };
        document.addEventListener(
          "securitypolicyviolation",
          (event) => resolve({ ran: holder.injected === true, violated: event.violatedDirective }),
          { once: true },
        );
        const div = document.createElement("div");
        div.innerHTML = '<img src="/no-such-image.png" onerror="window.injected = true">';
        document.body.append(div);
      }),
  );
  expect(outcome).toEqual({ ran: false, violated: expect.stringMatching(/^script-src/) });
});
