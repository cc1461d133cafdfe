import { describe, expect, it } from "vitest";
import { combineWritesWithin, type Statement } from "./bulk-sql.ts";

const statement = (name: string, params: number): Statement => ({
  sql: `UPDATE "${name}" SET ${Array.from({ length: params }, (_, i) => `"c${i}" = $${i + 1}`).join(", ")}`,
  params: Array.from({ length: params }, (_, i) => `${name}${i}`),
});

describe("combineWritesWithin", () => {
  it("combines statements in order, renumbering their parameters, while they fit the bound", () => {
    expect(combineWritesWithin([statement("a", 2), statement("b", 1)], 3)).toEqual([
      { sql: `WITH w0 AS (UPDATE "a" SET "c0" = $1, "c1" = $2) UPDATE "b" SET "c0" = $3`, params: ["a0", "a1", "b0"] },
    ]);
  });

  it("starts another statement where the next would pass the bound; one alone may pass it", () => {
    const combined = combineWritesWithin(
      [statement("a", 2), statement("b", 2), statement("c", 5), statement("d", 1)],
      4,
    );
    expect(combined.map((s) => s.params)).toEqual([["a0", "a1", "b0", "b1"], ["c0", "c1", "c2", "c3", "c4"], ["d0"]]);
    expect(combined[1]!.sql).toBe(statement("c", 5).sql);
  });

  it("keeps PostgreSQL's 65,535 parameters of a statement out of reach by default", () => {
    const rows = Array.from({ length: 200 }, (_, i) => statement(`t${i}`, 2_000));
    const combined = combineWritesWithin(rows);
    expect(combined.every((s) => s.params.length <= 65_535)).toBe(true);
    expect(combined.flatMap((s) => s.params)).toEqual(rows.flatMap((s) => s.params));
  });
});
