import { describe, expect, it } from "vitest";
import { hashSecret, hashSharedSecret, recordedLength, SecretChecker, verifySecret } from "./secret.ts";

describe("shared secret verifier", () => {
  it("is salted scrypt and never contains the secret", async () => {
    const a = await hashSecret("correct horse");
    const b = await hashSecret("correct horse");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct horse");
    expect(await verifySecret("correct horse", a)).toBe(true);
    expect(await verifySecret("correct horsE", a)).toBe(false);
  });

  it("remembers a verified secret only for the verifier it matched", async () => {
    const checker = new SecretChecker();
    const first = await hashSecret("s3cret!!");
    const rotated = await hashSecret("n3w-secret");
    expect(await checker.matches("s3cret!!", first)).toBe(true);
    expect(await checker.matches("s3cret!!", first)).toBe(true);
    expect(await checker.matches("wrong", first)).toBe(false);
    expect(await checker.matches("s3cret!!", rotated)).toBe(false);
  });

  it("records whether the shared secret has 16 characters, and learns it for an older verifier once it verifies", async () => {
    const long = await hashSharedSecret("sixteen-chars-ok");
    const short = await hashSharedSecret("fifteen-chars-x");
    expect([recordedLength(long), recordedLength(short)]).toEqual(["long", "short"]);
    expect(await verifySecret("fifteen-chars-x", short)).toBe(true);
    const older = await hashSecret("fifteen-chars-x");
    const checker = new SecretChecker();
    expect(checker.lengthOf(older)).toBe("unknown");
    expect(await checker.matches("a-wrong-but-longer-secret", older)).toBe(false);
    expect(checker.lengthOf(older)).toBe("unknown");
    expect(await checker.matches("fifteen-chars-x", older)).toBe(true);
    expect(checker.lengthOf(older)).toBe("short");
    expect(checker.lengthOf(long)).toBe("long");
  });
});
