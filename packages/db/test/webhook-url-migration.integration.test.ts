import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../src/client.ts";
import { applyMigrations } from "../src/migrate.ts";
import { freshDatabase } from "./kit/databases.ts";

const MIGRATION = "20261206214500_webhook_urls_write_only";
const KEY = "T0001-B0002-hookKEYsecret";
const AT = new Date("2026-11-27T12:00:00.000Z");

describe.each(["sqlite", "postgresql"] as const)("the webhook-URL migration on %s", (provider) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it("cuts webhook URLs written before it to their origin in audit rows and delivery errors", async (context) => {
    const fresh = await freshDatabase(provider, "webhook_migration");
    if (!fresh) return context.skip();
    drops.push(fresh.drop);
    await applyMigrations(fresh.url);
    const db = createPrismaClient(fresh.url, { poolMax: 2 });
    drops.unshift(() => db.$disconnect());
    // Rows as the server wrote them before the rule; then the migration runs as on an upgrade.
    const url = `https://ops:${KEY}@Hooks.example.net:8443/services/${KEY}?token=${KEY}`;
    const old = {
      pendingAfterMinutes: 5,
      channels: ["webhook"],
      webhook: { url, format: "slack", signed: true },
      syslog: null,
    };
    await db.auditEvent.createMany({
      data: [
        { at: AT, type: "admin.alerts", actor: "admin:root", detail: JSON.stringify(old) },
        { at: AT, type: "admin.alerts", actor: "admin:root", detail: JSON.stringify({ webhook: null }) },
        { at: AT, type: "admin.login", actor: "admin:root", detail: JSON.stringify({ remoteAddress: "::1" }) },
      ],
    });
    await db.alert.create({
      data: { id: "alr_1", kind: "test", severity: "info", message: "test", detail: null, raisedAt: AT },
    });
    await db.alertDelivery.createMany({
      data: [
        {
          id: "dlv_1",
          alertId: "alr_1",
          channel: "webhook",
          status: "failed",
          lastError: `webhook ${url} answered HTTP 500`,
        },
        {
          id: "dlv_2",
          alertId: "alr_1",
          channel: "webhook",
          status: "pending",
          lastError: `webhook ${url} unreachable: fetch failed`,
        },
        {
          id: "dlv_3",
          alertId: "alr_1",
          channel: "email",
          status: "failed",
          lastError: "e-mail via smtp.example.net:25 failed: boom",
        },
      ],
    });
    await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${MIGRATION}'`);
    expect((await applyMigrations(fresh.url)).applied).toEqual([MIGRATION]);

    const audit = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { detail: true } });
    expect(audit.map((row) => JSON.parse(row.detail!))).toEqual([
      { ...old, webhook: { origin: "https://Hooks.example.net:8443", format: "slack", signed: true } },
      { webhook: null },
      { remoteAddress: "::1" },
    ]);
    const errors = await db.alertDelivery.findMany({ orderBy: { id: "asc" }, select: { lastError: true } });
    expect(errors.map((row) => row.lastError)).toEqual([
      "webhook https://Hooks.example.net:8443 answered HTTP 500",
      "webhook https://Hooks.example.net:8443 unreachable: fetch failed",
      "e-mail via smtp.example.net:25 failed: boom",
    ]);
  });
});
