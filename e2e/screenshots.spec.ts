import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { settle } from "@sls/server/testing";
import { applianceApi, consoleApi } from "./api.ts";
import { SHARED_SECRET } from "./fixtures.ts";
import { refresh, registerAppliance, requestSessions, signInAsAdmin, type Appliance } from "./console.ts";
import { expect, test } from "./fresh-app.ts";

/** The README's screenshots, taken from a real run against real appliance traffic. */
const SHOTS = path.resolve(import.meta.dirname, "..", "docs", "screenshots");

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

/** The usage sampler's interval: waiting one between stages gives the chart real steps to draw. */
const SAMPLE_MS = 15_000;

/** The fleet joins in three waves, a sample apart, as a morning's logins would. */
async function drawFleet(request: APIRequestContext, page: Page): Promise<void> {
  const waves = [FLEET.slice(0, 3), FLEET.slice(3, 6), FLEET.slice(6)];
  for (const [i, wave] of waves.entries()) {
    for (const unit of wave) {
      const appliance: Appliance = await registerAppliance(request, unit.serial, unit);
      await requestSessions(request, appliance, unit.ask);
      if (unit.inUse > 0) await refresh(request, appliance, unit.inUse);
    }
    if (i < waves.length - 1) await page.waitForTimeout(SAMPLE_MS);
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test.use({ viewport: { width: 1440, height: 900 } });

test.setTimeout(120_000);

test("README screenshots: overview, participants, participant detail, audit, settings", async ({
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
  await drawFleet(request, page);
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
  await shoot(page, "overview");

  await page.goto("/participants?sort=granted&dir=desc");
  await expect(page.getByTestId("participant-row")).toHaveCount(FLEET.length + 1);
  await shoot(page, "participants");

  await page.getByRole("link", { name: FLEET[0]!.serial }).click();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await page.waitForTimeout(500);
  await shoot(page, "participant-detail");

  await page.goto("/audit");
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await shoot(page, "audit");

  await page.goto("/settings");
  await page.getByTestId("form-pool-size").getByLabel("Pool size").fill("1000");
  await page.getByTestId("form-pool-size").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-pool-size").getByRole("alert")).toContainText("below the");
  // The inline error stays; the toast that repeats it would cover the backup form.
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 10_000 });
  await shoot(page, "settings");
});
