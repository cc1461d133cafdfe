import { defineConfig, devices } from "@playwright/test";

// No webServer here: every spec file starts the built app on a fresh database of its own
// (fresh-app.ts), so specs cannot see each other's accounts, participants or settings.
// The app must have been built (`pnpm turbo run build --filter=@sls/web...`) beforehand.
// The README's screenshots are not a test: playwright.screenshots.config.ts runs that spec alone
// (`npm run screenshots`).

/** Debian's Chromium (`apt-get install chromium`): Playwright cannot download its own here. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  testIgnore: "screenshots.spec.ts",
  outputDir: "test-results",
  // A temporary folder per run; the run fails when a spec leaves an sls-* folder in it.
  globalSetup: "../scripts/test-temp-folder.mjs",
  forbidOnly: Boolean(process.env.CI),
  workers: 1,
  retries: 0,
  // Ceilings, not delays: a passing wait ends as soon as the page shows the state. Playwright's
  // defaults (5 s for an assertion, 30 s for a test) are a guess about the machine's speed that a
  // loaded machine breaks (another test run beside this one: the built app answers in seconds).
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
      },
    },
  ],
});
