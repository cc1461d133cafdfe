import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient, providerOf, sqliteFilePath } from "../src/client.ts";
import { applyMigrations } from "../src/migrate.ts";

describe("providerOf", () => {
  it("recognises the accepted URL forms", () => {
    expect(providerOf("file:./data/sls.db")).toBe("sqlite");
    expect(providerOf("file:/var/lib/sls/sls.db")).toBe("sqlite");
    expect(providerOf("postgres://u:p@db:5432/sls")).toBe("postgresql");
    expect(providerOf("postgresql://postgres@127.0.0.1/sls")).toBe("postgresql");
  });

  it("names the accepted forms when it rejects a URL, without echoing a password", () => {
    expect(() => providerOf("mysql://root:secret@db/sls")).toThrow(/file:.*postgres:\/\/.*postgresql:\/\//);
    expect(() => providerOf("mysql://root:secret@db/sls")).not.toThrow(/secret/);
    expect(() => providerOf("./sls.db")).toThrow(/expected/);
  });
});

describe("sqliteFilePath", () => {
  it("takes relative paths from the working directory and drops query parameters", () => {
    expect(sqliteFilePath("file:data/x.db")).toBe(path.resolve(process.cwd(), "data/x.db"));
    expect(sqliteFilePath("file:./x.db?mode=rwc")).toBe(path.resolve(process.cwd(), "x.db"));
    expect(sqliteFilePath("file:/tmp/a/b.db")).toBe("/tmp/a/b.db");
  });
});

describe("createPrismaClient (SQLite)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sls-db-client-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the parent directory and sets the connection pragmas", async () => {
    const url = `file:${path.join(dir, "nested", "deeper", "sls.db")}`;
    const db = createPrismaClient(url);
    try {
      const pragma = async (name: string) => {
        const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return String(Object.values(rows[0] ?? {})[0]);
      };
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe("1"); // NORMAL
      expect(await pragma("busy_timeout")).toBe("5000");
      expect(await pragma("foreign_keys")).toBe("1");
      expect(existsSync(path.join(dir, "nested", "deeper", "sls.db"))).toBe(true);
    } finally {
      await db.$disconnect();
    }
  });

  it("cascades deletes (foreign keys are enforced)", async () => {
    const url = `file:${path.join(dir, "cascade.db")}`;
    await applyMigrations(url);
    const db = createPrismaClient(url);
    try {
      const now = new Date();
      await db.participant.create({
        data: {
          id: "p1",
          serial: "S1",
          hostname: "h",
          model: "m",
          platformLimit: 1,
          localLimit: 1,
          registeredAt: now,
          lastSeenAt: now,
          requests: { create: { requestId: "r1", answer: "{}", createdAt: now } },
        },
      });
      await db.participant.delete({ where: { id: "p1" } });
      expect(await db.appliedRequest.count()).toBe(0);
      await expect(
        db.appliedRequest.create({ data: { participantId: "missing", requestId: "r", answer: "", createdAt: now } }),
      ).rejects.toThrow();
    } finally {
      await db.$disconnect();
    }
  });
});
