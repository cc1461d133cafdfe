import { figure, uniqueSerial } from "./fixtures.ts";
import { refresh, registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test("a participant drawing sessions through the appliance API shows up, and the overview follows without a reload", async ({
  page,
  request,
  app,
}) => {
  await signInAsAdmin(page, app);
  await page.goto("/");
  await expect(page.getByTestId("granted")).toHaveText(figure(0));

  const east = await registerAppliance(request, uniqueSerial("EAST"), {
    platformLimit: 1000,
    localLimit: 100,
    hostname: "vpn-east.example.net",
  });
  expect(await requestSessions(request, east, 300)).toMatchObject({ granted: 300, added: 300, pending: 0 });
  const west = await registerAppliance(request, uniqueSerial("WEST"), { platformLimit: 1000, localLimit: 100 });
  // 200 left: 200 granted now, 100 pending.
  expect(await requestSessions(request, west, 300)).toMatchObject({ granted: 200, added: 200, pending: 100 });
  await refresh(request, east, 275);

  // The same page, never reloaded, picks the new figures up by itself.
  await expect(page.getByTestId("granted")).toHaveText(figure(500));
  await expect(page.getByTestId("available")).toHaveText(figure(0));
  await expect(page.getByTestId("pending")).toHaveText(figure(100));
  await expect(page.getByTestId("in-use")).toHaveText(figure(275));
  await expect(page.getByTestId("utilisation")).toHaveAttribute("data-tone", "alert");
  await expect(page.getByTestId("state-active")).toContainText("2");
  await expectAccessible(page, "overview, pool full with demand waiting");

  await page.getByRole("link", { name: "Participants", exact: true }).click();
  const eastRow = page.getByTestId("participant-row").filter({ hasText: east.serial });
  await expect(eastRow.getByTestId("participant-granted")).toHaveText(figure(300));
  await expect(eastRow.getByTestId("participant-pending")).toHaveText(figure(0));
  await expect(eastRow.getByTestId("participant-in-use")).toHaveText(figure(275));
  await expect(eastRow).toContainText("vpn-east.example.net");
  const westRow = page.getByTestId("participant-row").filter({ hasText: west.serial });
  await expect(westRow.getByTestId("participant-granted")).toHaveText(figure(200));
  await expect(westRow.getByTestId("participant-pending")).toHaveText(figure(100));

  // Search and sort run on the server.
  await page.getByLabel("Search serial, hostname or model").fill("vpn-east");
  await expect(page.getByTestId("participant-row")).toHaveCount(1);
  await page.getByLabel("Search serial, hostname or model").fill("");
  await expect(page.getByTestId("participant-row")).toHaveCount(2);
  await page.getByRole("button", { name: /^Granted/ }).click();
  await expect(page.getByTestId("participant-row").first()).toContainText(east.serial);
  await expect(page).toHaveURL(/sort=granted&dir=desc/);

  // The detail page: its figures, chart and audit events.
  await eastRow.getByRole("link", { name: east.serial }).click();
  await expect(page.getByRole("heading", { name: "vpn-east.example.net" })).toBeVisible();
  await expect(page.getByTestId("detail-granted")).toHaveText(figure(300));
  await expect(page.getByTestId("detail-in-use")).toHaveText(figure(275));
  await expect(page.getByRole("figure", { name: new RegExp(`Granted and pending of ${east.serial}`) })).toBeVisible();
  await expect(page.getByTestId("audit-row").and(page.locator('[data-type="request"]'))).toContainText(
    `appliance:${east.serial}`,
  );
  await expectAccessible(page, "a participant's page");
});
