import { figure, figureWithin, POOL_SIZE, uniqueSerial } from "./fixtures.ts";
import { ADMIN, refresh, registerAppliance, requestSessions, signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

test("force release takes the grant back, serves the pending demand, and is audited", async ({
  page,
  request,
  app,
}) => {
  await signInAsAdmin(page, app);
  const holder = await registerAppliance(request, uniqueSerial("HOLD"));
  await requestSessions(request, holder, 400);
  const waiter = await registerAppliance(request, uniqueSerial("WAIT"));
  expect(await requestSessions(request, waiter, 200)).toMatchObject({ granted: 100, pending: 100 });

  await page.goto("/participants");
  const row = page.getByTestId("participant-row").filter({ hasText: holder.serial });
  await expect(row.getByTestId("participant-granted")).toHaveText(figure(400));
  // Row actions sit in a menu, each behind a confirmation.
  const openForceRelease = async () => {
    await row.getByRole("button", { name: `Actions for ${holder.serial}` }).click();
    await row.getByRole("button", { name: "Force release…" }).click();
  };
  await openForceRelease();
  const dialog = page.getByRole("dialog", { name: `Force release ${holder.serial}?` });
  await expect(dialog).toContainText("Its 400 granted sessions return to the pool");
  await expectAccessible(page, "participants, a confirmation dialog open");
  // Cancelling changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("participant-granted")).toHaveText(figure(400));

  await openForceRelease();
  await dialog.getByRole("button", { name: "Force release" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: `Released 400 granted` })).toBeVisible();
  await expect(row.getByTestId("participant-granted")).toHaveText(figure(0));
  // The freed sessions went to the oldest pending ask.
  const waiterRow = page.getByTestId("participant-row").filter({ hasText: waiter.serial });
  await expect(waiterRow.getByTestId("participant-granted")).toHaveText(figure(200));
  await expect(waiterRow.getByTestId("participant-pending")).toHaveText(figure(0));
  // The appliance learns it at its next refresh.
  expect(await refresh(request, holder, 0)).toMatchObject({ granted: 0, pending: 0 });

  await page.goto(`/audit?serial=${holder.serial}`);
  const forced = page.getByTestId("audit-row").and(page.locator('[data-type="force-release"]'));
  await expect(forced).toContainText(`admin:${ADMIN.name}`);
  await expect(forced).toContainText(figureWithin(-400), { useInnerText: true });
  await expect(page.getByTestId("audit-row").and(page.locator('[data-type="admin.force-release"]'))).toContainText(
    `admin:${ADMIN.name}`,
  );

  await page.goto("/");
  await expect(page.getByTestId("granted")).toHaveText(figure(200));
  await expect(page.getByTestId("available")).toHaveText(figure(POOL_SIZE - 200));
});
