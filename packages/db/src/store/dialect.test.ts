import { describe, expect, it } from "vitest";
import { dialectOf } from "./dialect.ts";

const AT = new Date("2026-01-05T10:00:00.123Z");

describe("dialectOf", () => {
  const sqlite = dialectOf("sqlite");
  const postgresql = dialectOf("postgresql");

  it("numbers and casts placeholders on PostgreSQL only", () => {
    expect([sqlite.placeholder(3, "int"), sqlite.placeholder(4)]).toEqual(["?", "?"]);
    expect([
      postgresql.placeholder(3, "int"),
      postgresql.placeholder(4, "timestamp"),
      postgresql.placeholder(5),
    ]).toEqual(["$3::integer", "$4::timestamp(3)", "$5"]);
  });

  it("binds timestamps as Prisma stores them, booleans and 64-bit integers as each driver takes them", () => {
    expect(sqlite.bind("timestamp", AT)).toBe("2026-01-05T10:00:00.123+00:00");
    expect(postgresql.bind("timestamp", AT)).toBe("2026-01-05T10:00:00.123");
    expect([sqlite.bind("bool", true), sqlite.bind("bool", false)]).toEqual([1, 0]);
    expect([postgresql.bind("bool", 1), postgresql.bind("bool", 0)]).toEqual([true, false]);
    expect(sqlite.bind("bigint", 3_000_000_000n)).toBe(3_000_000_000);
    expect(postgresql.bind("bigint", 3_000_000_000)).toBe("3000000000");
    expect([sqlite.bind("text", null), postgresql.bind("timestamp", undefined)]).toEqual([null, null]);
  });

  it("updates from a VALUES list in each dialect's form", () => {
    const args = ["T", `"a" = v."a"`, `"id", "a"`, "(?, ?)", "id"] as const;
    expect(sqlite.updateFromValues(...args)).toBe(
      `WITH v("id", "a") AS (VALUES (?, ?)) UPDATE "T" SET "a" = v."a" FROM v WHERE "T"."id" = v."id"`,
    );
    expect(postgresql.updateFromValues(...args)).toBe(
      `UPDATE "T" SET "a" = v."a" FROM (VALUES (?, ?)) AS v("id", "a") WHERE "T"."id" = v."id"`,
    );
  });
});
