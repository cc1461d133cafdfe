import { describe, expect, it } from "vitest";
import { BAD_TOKEN_POLICY, MISS_TTL_MS, UnknownTokens } from "./unknown-tokens.ts";

function lookUp(tokens: UnknownTokens, hash: string, address = "192.0.2.1", outcome: "missed" | "found" = "missed") {
  const verdict = tokens.admit(hash, address);
  if (verdict.kind === "look-up") verdict[outcome]();
  return verdict.kind;
}

describe("unknown bearer tokens", () => {
  it("answers a token the database just did not know from memory until its time-to-live ends", () => {
    let now = 1_000;
    const tokens = new UnknownTokens(() => now);
    expect(lookUp(tokens, "a")).toBe("look-up");
    expect(lookUp(tokens, "a")).toBe("known-miss");
    now += MISS_TTL_MS + 1;
    expect(lookUp(tokens, "a")).toBe("look-up");
  });

  it("forgets a miss as soon as the change feed or a commit brings that token", () => {
    const tokens = new UnknownTokens(() => 0);
    lookUp(tokens, "a");
    tokens.issued(["b", null, "a"]);
    expect(lookUp(tokens, "a")).toBe("look-up");
  });

  it("does not keep a miss read while the feed brought news: that news may be this token", () => {
    const tokens = new UnknownTokens(() => 0);
    const verdict = tokens.admit("a", "192.0.2.1");
    if (verdict.kind !== "look-up") throw new Error(verdict.kind);
    tokens.issued(["a"]);
    verdict.missed();
    expect(lookUp(tokens, "a")).toBe("look-up");
  });

  it("refuses an address past its budget before any read, and no other address", () => {
    let now = 1_000;
    const tokens = new UnknownTokens(() => now);
    for (let i = 0; i < BAD_TOKEN_POLICY.refuseAfter; i++) expect(lookUp(tokens, `t${i}`, "192.0.2.1")).toBe("look-up");
    const refused = tokens.admit("another", "192.0.2.1");
    expect(refused).toMatchObject({ kind: "refused", refusal: { retryAfterMs: BAD_TOKEN_POLICY.windowMs } });
    expect(lookUp(tokens, "another", "192.0.2.2")).toBe("look-up");
    now += BAD_TOKEN_POLICY.windowMs + 1;
    expect(lookUp(tokens, "later", "192.0.2.1")).toBe("look-up");
  });

  it("does not count tokens the database knew", () => {
    const tokens = new UnknownTokens(() => 0);
    for (let i = 0; i < 2 * BAD_TOKEN_POLICY.refuseAfter; i++)
      expect(lookUp(tokens, `t${i}`, "192.0.2.1", "found")).toBe("look-up");
  });
});
