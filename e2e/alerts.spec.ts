import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signInAsAdmin } from "./console.ts";
import { expectAccessible } from "./a11y.ts";
import { expect, test } from "./fresh-app.ts";

/** A local webhook endpoint standing in for a chat or incident tool. */
let receiver: Server;
let hookUrl = "";
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

// The receiver is on loopback, which alert channels may use only with this variable.
test.use({ appEnv: { SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: "on" } });

test("an administrator sets a signed webhook on Settings, sends a test, and sees it delivered on the Alerts page", async ({
  page,
  app,
}) => {
  await signInAsAdmin(page, app);
  await page.goto("/settings");
  const form = page.getByTestId("form-alerts");
  const webhook = form.getByTestId("alert-channel-webhook");
  await expect(webhook.getByRole("button", { name: "Send a test" })).toBeDisabled();

  await webhook.getByLabel("Webhook").check();
  await webhook.getByLabel("URL").fill("ftp://example.net/hook");
  await form.getByRole("button", { name: "Save" }).click();
  // What the form keeps showing, not the toast that repeats it for 4 s (a slow machine can miss that).
  await expect(form).toContainText("Must be an http(s):// URL.");
  await expect(webhook).not.toContainText("Saved:");
  await expectAccessible(page, "settings, alert channel with a form error");

  await webhook.getByLabel("URL").fill(hookUrl);
  await webhook.getByLabel("Format").selectOption("slack");
  await webhook.getByLabel("Signing key", { exact: true }).fill("a-signing-key-of-some-length");
  await form.getByRole("button", { name: "Save" }).click();

  // Saved: the form shows the stored channel (its "Alerts saved" toast lasts 4 s, not waited for).
  const saved = page.getByTestId("form-alerts").getByTestId("alert-channel-webhook");
  await expect(saved.getByLabel("Signing key", { exact: true })).toHaveValue("");
  await expect(saved).toContainText("Set. Leave empty to keep it.");
  // The URL is write-only too: only its origin is shown, and an empty field keeps it.
  await expect(saved.getByLabel("URL")).toHaveValue("");
  await expect(saved).toContainText(`Saved: ${new URL(hookUrl).origin}/…`);
  await expect(page.getByTestId("form-alerts")).not.toContainText("/hook");
  await saved.getByRole("button", { name: "Send a test" }).click();
  // Delivered: the receiver has it, and the Alerts page below records it as delivered.
  await expect.poll(() => received.length).toBe(1);
  expect(JSON.parse(received[0]!.body).text).toMatch(/^\[INFO\] Test alert sent by /);
  expect(received[0]!.headers["x-sls-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);

  await page.getByRole("link", { name: "Alerts" }).click();
  const row = page.getByTestId("alerts-table").locator('tr[data-kind="test"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Test alert sent by");
  await expect(row).toContainText("webhook");
  await expect(row).toContainText("delivered");
  await expectAccessible(page, "alerts, with a delivered alert");
});
