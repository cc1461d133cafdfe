import { describe, expect, it } from "vitest";
import { asDate } from "./raw-rows.ts";

describe("asDate", () => {
  it("reads PostgreSQL's zone-less TIMESTAMP(3) text as UTC, whatever the machine's zone", () => {
    expect(asDate("2026-01-05T10:00:00.123").toISOString()).toBe("2026-01-05T10:00:00.123Z");
    expect(asDate("2026-01-05T10:00:00").toISOString()).toBe("2026-01-05T10:00:00.000Z");
  });

  it("keeps an explicit offset, as SQLite's text carries", () => {
    expect(asDate("2026-01-05T10:00:00.000+00:00").toISOString()).toBe("2026-01-05T10:00:00.000Z");
    expect(asDate("2026-01-05T12:00:00.000+02:00").toISOString()).toBe("2026-01-05T10:00:00.000Z");
  });
});
