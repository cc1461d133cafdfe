// The README's screenshots, taken from a real run against real appliance traffic. Not part of
// `npm test`: `npm run screenshots` runs it (playwright.screenshots.config.ts) and rewrites
// docs/screenshots/*.png.
import type { APIRequestContext } from "@playwright/test";
import { type ApiClient, settle, waitFor } from "@sls/server/testing";
import { applianceApi, consoleApi } from "./api.ts";
import { SHARED_SECRET } from "./fixtures.ts";
import { refresh, registerAppliance, requestSessions, signInAsAdmin, type Appliance } from "./console.ts";
import { expect, test } from "./fresh-app.ts";
import { readmeShot } from "./readme-shots.ts";

const FLEET = [
  {
    serial: "JAD2231A0BC",
    hostname: "vpn-east-1.example.net",
    model: "ASA5555-X",
    platformLimit: 5000,
    localLimit: 250,
    ask: 1200,
    inUse: 1310,
  },
  {
    serial: "JAD2231A0BD",
    hostname: "vpn-east-2.example.net",
    model: "ASA5555-X",
    platformLimit: 5000,
    localLimit: 250,
    ask: 900,
    inUse: 1020,
  },
  {
    serial: "FTX1840W1AB",
    hostname: "vpn-west-1.example.net",
    model: "ASA5545-X",
    platformLimit: 2500,
    localLimit: 100,
    ask: 650,
    inUse: 702,
  },
  {
    serial: "FTX1840W1AC",
    hostname: "vpn-west-2.example.net",
    model: "ASA5545-X",
    platformLimit: 2500,
    localLimit: 100,
    ask: 400,
    inUse: 388,
  },
  {
    serial: "FCH2210L0QZ",
    hostname: "branch-lyon.example.net",
    model: "FPR2130",
    platformLimit: 1500,
    localLimit: 50,
    ask: 300,
    inUse: 251,
  },
  {
    serial: "FCH2210L0RA",
    hostname: "branch-porto.example.net",
    model: "FPR2130",
    platformLimit: 1500,
    localLimit: 50,
    ask: 250,
    inUse: 190,
  },
  {
    serial: "FCH2210L0RB",
    hostname: "branch-graz.example.net",
    model: "FPR1150",
    platformLimit: 750,
    localLimit: 25,
    ask: 200,
    inUse: 176,
  },
  {
    serial: "JMX1933X0K1",
    hostname: "lab-sandbox.example.net",
    model: "ASAv30",
    platformLimit: 250,
    localLimit: 2,
    ask: 100,
    inUse: 12,
  },
  // Asks for more than is left: part of it stays pending.
  {
    serial: "FTX2011E3MM",
    hostname: "dc-frankfurt.example.net",
    model: "FPR4115",
    platformLimit: 15000,
    localLimit: 500,
    ask: 1200,
    inUse: 0,
  },
];

/**
 * The fleet joins in three waves, as a morning's logins would. The overview's usage chart draws
 * one step per stored usage sample (one every 15 s, services/capacity/usage-sampler.ts): before the next
 * wave, wait until a stored sample holds this one.
 */
async function drawFleet(request: APIRequestContext, admin: ApiClient): Promise<void> {
  const waves = [FLEET.slice(0, 3), FLEET.slice(3, 6), FLEET.slice(6)];
  for (const [i, wave] of waves.entries()) {
    for (const unit of wave) {
      const appliance: Appliance = await registerAppliance(request, unit.serial, unit);
      await requestSessions(request, appliance, unit.ask);
      if (unit.inUse > 0) await refresh(request, appliance, unit.inUse);
    }
    if (i === waves.length - 1) break;
    const { granted } = (await admin.admin.overview.get.query()).pool;
    await waitFor(
      async () => {
        // The last point is this instant's figures, not a stored sample.
        const { points } = await admin.admin.overview.usage.query({ range: "hour" });
        return points.slice(0, -1).some((point) => point.granted === granted);
      },
      { what: `a usage sample of wave ${i + 1} (${granted} sessions granted)`, timeoutMs: 60_000, intervalMs: 500 },
    );
  }
}

// The backup link key a backup address goes with: without it the overview would show a
// hand-back failure for the address the spec sets.
test.use({
  viewport: { width: 1440, height: 900 },
  appEnv: { SLS_BACKUP_KEY: "readme-screenshots-backup-link-key-0123456789" },
});

test.setTimeout(120_000);

test("README screenshots: overview, participants, participant detail, audit, settings, policy", async ({
  page,
  request,
  app,
}) => {
  await signInAsAdmin(page, app);
  const admin = consoleApi(page);
  await admin.admin.settings.setPoolSize.mutate({ poolSize: 5000 });
  await admin.admin.settings.setBackup.mutate({
    backup: { address: "licence-backup.example.net:3000", serial: "JAD2231B9ZZ", peerSerial: null },
  });
  await drawFleet(request, admin);
  // One unknown appliance waits for approval.
  await admin.admin.settings.setOperation.mutate({
    enabled: true,
    approvalRequired: true,
    alertThresholdPct: 90,
  });
  const refused = await settle(
    applianceApi(request).appliance.register.mutate({
      secret: SHARED_SECRET,
      serial: "FGL2309Q0NEW",
      hostname: "branch-oslo.example.net",
      model: "FPR1140",
      platformLimit: 750,
      localLimit: 25,
    }),
  );
  expect(refused).toMatchObject({ ok: false, status: 403 });
  await refresh(request, await registerAppliance(request, FLEET[0]!.serial, FLEET[0]!), 1320);

  await page.goto("/");
  await expect(page.getByTestId("state-awaiting-approval")).toContainText("1");
  await expect(page.getByTestId("pending")).not.toHaveText("0");
  // Counters reach the database every 2 s; wait for this run's registrations to be counted.
  await expect(page.getByTestId("counter-register")).toContainText(String(FLEET.length + 2));
  await readmeShot(page, "overview");

  await page.goto("/participants?sort=granted&dir=desc");
  await expect(page.getByTestId("participant-row")).toHaveCount(FLEET.length + 1);
  await readmeShot(page, "participants");

  await page.getByRole("link", { name: FLEET[0]!.serial }).click();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await expect(
    page.getByRole("figure", { name: `Granted and pending of ${FLEET[0]!.serial} over time` }),
  ).toBeVisible();
  await readmeShot(page, "participant-detail");

  await page.goto("/audit");
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await readmeShot(page, "audit");

  await page.goto("/settings");
  await page.getByTestId("form-pool-size").getByLabel("Pool size").fill("1000");
  await page.getByTestId("form-pool-size").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-pool-size").getByRole("alert")).toContainText("below the");
  // The inline error stays; the toast that repeats it would cover the backup form.
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 10_000 });
  await readmeShot(page, "settings");

  // The policy page: the core gateways' reservation, the branches capped, the lab paused; then an
  // edit previewed beside the form.
  await admin.admin.policy.save.mutate({
    groups: [
      {
        name: "core",
        reserve: 2500,
        max: null,
        priority: 10,
        paused: false,
        serials: ["JAD2231A0BC", "JAD2231A0BD"],
        patterns: ["dc-*"],
      },
      { name: "branches", reserve: 0, max: 800, priority: 0, paused: false, serials: [], patterns: ["branch-*"] },
      { name: "lab", reserve: 0, max: 100, priority: -1, paused: true, serials: [], patterns: ["lab-*"] },
    ],
    poolPaused: false,
    caps: { FTX1840W1AB: 700 },
  });
  await page.goto("/policy");
  await expect(page.getByTestId("policy-effect")).toHaveAttribute("data-kind", "current");
  const lab = page.getByRole("group", { name: "Group 3", exact: true });
  await lab.getByLabel("Paused", { exact: true }).uncheck();
  await page.getByTestId("policy-form").getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("policy-effect")).toHaveAttribute("data-kind", "preview");
  // The preview follows the scroll (sticky); the full-page image is taken from the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await readmeShot(page, "policy");
});
