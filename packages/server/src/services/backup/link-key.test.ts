import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BackupLink, LINK_SKEW_MS, LinkRefusal, type NonceClaims } from "./link-key.ts";

const KEY = "k".repeat(44);
const ZBody = z.object({ n: z.number() });

/** The claim rule of the database table (an insert that fails on a duplicate), in memory for these unit tests. */
function claims(): NonceClaims {
  const seen = new Set<string>();
  return {
    async claim(nonce) {
      if (seen.has(nonce)) return false;
      seen.add(nonce);
      return true;
    },
  };
}

async function refusalOf(run: () => unknown): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof LinkRefusal) return error.kind;
    throw error;
  }
}

describe("backup link key: HMAC over the body with a time and a single-use nonce", () => {
  it("opens a request the other side sealed with the same key, once", async () => {
    const now = 1_000_000;
    const nonces = claims();
    const main = new BackupLink(KEY, () => now);
    const backup = new BackupLink(KEY, () => now);
    const sealed = backup.seal("sync-request", { n: 1 });
    expect(await main.openRequest("sync-request", sealed, ZBody, nonces)).toEqual({ n: 1 });
    expect(await refusalOf(() => main.openRequest("sync-request", sealed, ZBody, nonces))).toBe("replayed");
  });

  it("refuses another key, another purpose, a changed body and a stale time", async () => {
    let now = 5_000_000;
    const nonces = claims();
    const main = new BackupLink(KEY, () => now);
    const stranger = new BackupLink("s".repeat(44), () => now);
    const open = (message: unknown) => refusalOf(() => main.openRequest("sync-request", message, ZBody, nonces));
    expect(await open(stranger.seal("sync-request", { n: 1 }))).toBe("bad-mac");
    // An answer cannot be taken for a request, nor for the answer to another request, nor a register request for a sync.
    expect(await open(main.seal("sync-answer:abc", { n: 1 }))).toBe("bad-mac");
    expect(await open(main.seal("register-request", { n: 1 }))).toBe("bad-mac");
    expect(await refusalOf(() => main.open("sync-answer:other", main.seal("sync-answer:abc", { n: 1 }), ZBody))).toBe(
      "bad-mac",
    );
    expect(await open({ ...main.seal("sync-request", { n: 1 }), body: JSON.stringify({ n: 2 }) })).toBe("bad-mac");
    const old = main.seal("sync-request", { n: 1 });
    const oldAnswer = main.seal("sync-answer:abc", { n: 1 });
    now += LINK_SKEW_MS + 1;
    expect(await open(old)).toBe("stale");
    expect(await refusalOf(() => main.open("sync-answer:abc", oldAnswer, ZBody))).toBe("stale");
  });

  it("refuses a well-signed body that does not match its schema, and a message that is not sealed", async () => {
    const link = new BackupLink(KEY, () => 1);
    const nonces = claims();
    expect(
      await refusalOf(() => link.openRequest("sync-request", link.seal("sync-request", { n: "one" }), ZBody, nonces)),
    ).toBe("invalid");
    expect(
      await refusalOf(() => link.openRequest("sync-request", { active: false, remainingMs: 0 }, ZBody, nonces)),
    ).toBe("invalid");
  });
});
