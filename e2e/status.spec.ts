import { applianceApi } from "./api.ts";
import { figure, figureWithin, POOL_SIZE, SHARED_SECRET, uniqueSerial } from "./fixtures.ts";
import { signInAsAdmin } from "./console.ts";
import { expect, test } from "./fresh-app.ts";

test("a participant's grant shows on the overview and the participants page", async ({ page, request, app }) => {
  const serial = uniqueSerial();
  const { token } = await applianceApi(request).appliance.register.mutate({
    secret: SHARED_SECRET,
    serial,
    hostname: "vpn-1.example.net",
    model: "ASA5585",
    platformLimit: 1000,
    localLimit: 100,
  });
  const answer = await applianceApi(request, token).appliance.request.mutate({ sessions: 150, requestId: "r1" });
  expect(answer).toMatchObject({ granted: 150, added: 150, pending: 0 });

  await signInAsAdmin(page, app);
  await page.goto("/");
  // The page refreshes itself; these assertions wait for the figures to arrive.
  await expect(page.getByTestId("pool-size")).toHaveText(figure(POOL_SIZE));
  await expect(page.getByTestId("granted")).toHaveText(figure(150));
  await expect(page.getByTestId("available")).toHaveText(figure(POOL_SIZE - 150));
  await expect(page.getByTestId("pending")).toHaveText(figure(0));
  await expect(page.getByTestId("shed-last-minute")).toContainText("in the last minute on this server process: 0");

  await page.getByRole("link", { name: "Participants", exact: true }).click();
  const row = page.getByTestId("participant-row").filter({ hasText: serial });
  await expect(row).toHaveCount(1);
  // innerText separates table cells with tabs; textContent would glue "100" and "150" together.
  await expect(row).toContainText(figureWithin(150), { useInnerText: true });
});
