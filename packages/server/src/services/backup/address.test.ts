import { describe, expect, it } from "vitest";
import { normaliseServerAddress, ZServerAddress } from "./address.ts";

describe("normaliseServerAddress: one URL form for the backup address everywhere", () => {
  it.each([
    ["backup.example.net:3000", "http://backup.example.net:3000"],
    ["backup.example.net", "http://backup.example.net"],
    ["  10.0.0.7:3000/ ", "http://10.0.0.7:3000"],
    ["[::1]:3000", "http://[::1]:3000"],
    ["http://backup.example.net:3000/", "http://backup.example.net:3000"],
    ["HTTPS://Backup.Example.NET:443", "https://backup.example.net"],
    ["https://backup.example.net:8443", "https://backup.example.net:8443"],
  ])("%s → %s", (typed, url) => {
    expect(normaliseServerAddress(typed)).toBe(url);
  });

  it.each([
    "",
    "   ",
    "ftp://backup.example.net",
    "backup.example.net:3000/api",
    "http://user:pw@backup.example.net",
    "backup example.net",
    "backup.example.net:99999",
    "http://backup.example.net?x=1",
    "-bad-.example",
    "!!!",
  ])("refuses %j", (garbage) => {
    expect(normaliseServerAddress(garbage)).toBeNull();
  });

  it("the console's schema stores the normalised URL and quotes what it refuses", () => {
    expect(ZServerAddress.parse("backup.example.net:3000")).toBe("http://backup.example.net:3000");
    const refused = ZServerAddress.safeParse("ftp://x");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('"ftp://x" is not');
  });
});
