import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BackupLink, LINK_SKEW_MS, LinkRefusal } from "./link-key.ts";
import { SeenNonces } from "./seen-nonces.ts";

const KEY = "k".repeat(44);
const ZBody = z.object({ n: z.number() });

function refusalOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof LinkRefusal) return error.kind;
    throw error;
  }
}

describe("backup link key: HMAC over the body with a time and a single-use nonce", () => {
  it("opens what the other side sealed with the same key, once", () => {
    const now = 1_000_000;
    const main = new BackupLink(KEY, () => now);
    const backup = new BackupLink(KEY, () => now);
    const sealed = backup.seal("sync-request", { n: 1 });
    expect(main.open("sync-request", sealed, ZBody)).toEqual({ n: 1 });
    expect(refusalOf(() => main.open("sync-request", sealed, ZBody))).toBe("replayed");
  });

  it("refuses another key, another purpose, a changed body and a stale time", () => {
    let now = 5_000_000;
    const main = new BackupLink(KEY, () => now);
    const stranger = new BackupLink("s".repeat(44), () => now);
    expect(refusalOf(() => main.open("sync-request", stranger.seal("sync-request", { n: 1 }), ZBody))).toBe("bad-mac");
    // An answer cannot be taken for a request, nor for the answer to another request.
    expect(refusalOf(() => main.open("sync-request", main.seal("sync-answer:abc", { n: 1 }), ZBody))).toBe("bad-mac");
    expect(refusalOf(() => main.open("sync-answer:other", main.seal("sync-answer:abc", { n: 1 }), ZBody))).toBe(
      "bad-mac",
    );
    const tampered = { ...main.seal("sync-request", { n: 1 }), body: JSON.stringify({ n: 2 }) };
    expect(refusalOf(() => main.open("sync-request", tampered, ZBody))).toBe("bad-mac");
    const old = main.seal("sync-request", { n: 1 });
    now += LINK_SKEW_MS + 1;
    expect(refusalOf(() => main.open("sync-request", old, ZBody))).toBe("stale");
  });

  it("refuses a well-signed body that does not match its schema, and a message that is not sealed", () => {
    const link = new BackupLink(KEY, () => 1);
    expect(refusalOf(() => link.open("sync-request", link.seal("sync-request", { n: "one" }), ZBody))).toBe("invalid");
    expect(refusalOf(() => link.open("sync-request", { active: false, remainingMs: 0 }, ZBody))).toBe("invalid");
  });
});

describe("SeenNonces: bounded, and never accepting what it may have forgotten", () => {
  it("drops the oldest when full and from then on refuses messages not newer than it", () => {
    const seen = new SeenNonces(60_000, 2);
    expect(seen.claim("a", 100, 100)).toBeNull();
    expect(seen.claim("b", 200, 200)).toBeNull();
    expect(seen.claim("c", 300, 300)).toBeNull();
    expect(seen.size).toBe(2);
    // "a" was dropped: a replay of it is refused as stale, not accepted.
    expect(seen.claim("a", 100, 300)).toBe("stale");
    expect(seen.claim("b", 200, 300)).toBe("replayed");
  });

  it("forgets nonces once they are outside the window", () => {
    const seen = new SeenNonces(1_000, 100);
    seen.claim("a", 0, 0);
    seen.claim("b", 5_000, 5_000);
    expect(seen.size).toBe(1);
  });
});
