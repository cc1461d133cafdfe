import { uniqueSerial } from "./fixtures.ts";
import { registerAppliance, signInAsAdmin } from "./console.ts";
import { expect, test } from "./fresh-app.ts";

// The shortest refresh interval an administrator may set: late after 12.5 s without a call.
test.use({ appEnv: { SLS_REFRESH_INTERVAL_SEC: "10" } });

test("a participant that stops refreshing is counted and listed late on the overview, and found by the participants filter", async ({
  page,
  request,
  app,
}) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page, app);
  const quiet = await registerAppliance(request, uniqueSerial("LATE"));
  await page.goto("/");
  await expect(page.getByTestId("state-active")).toContainText("1");
  // Real time: it missed one refresh interval (10 s and the quarter allowed for jitter).
  await expect(page.getByTestId("state-late")).toContainText("1", { timeout: 30_000 });
  await expect(page.getByTestId("late-list")).toContainText(quiet.serial);

  await page.getByTestId("state-late").click();
  await expect(page).toHaveURL(/state=late/);
  const row = page.getByTestId("participant-row").filter({ hasText: quiet.serial });
  await expect(row).toContainText("late");
});
