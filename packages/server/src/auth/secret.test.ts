import { describe, expect, it } from "vitest";
import { hashSecret, SecretChecker, verifySecret } from "./secret.ts";

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
});
