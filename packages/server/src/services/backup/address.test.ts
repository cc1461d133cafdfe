import { describe, expect, it } from "vitest";
import { loadEnv } from "../../env.ts";
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
  ])("%s → %s on a server without TLS", (typed, url) => {
    expect(normaliseServerAddress(typed, "http")).toBe(url);
  });

  it.each([
    ["backup.example.net:3000", "https://backup.example.net:3000"],
    ["backup.example.net", "https://backup.example.net"],
    ["[::1]:3443", "https://[::1]:3443"],
    ["backup.example.net:443", "https://backup.example.net"],
    // A scheme typed by the administrator is kept, even a plain one.
    ["http://backup.example.net:3000", "http://backup.example.net:3000"],
    ["https://backup.example.net:8443", "https://backup.example.net:8443"],
  ])("%s → %s on a server that runs TLS", (typed, url) => {
    expect(normaliseServerAddress(typed, "https")).toBe(url);
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
    expect(normaliseServerAddress(garbage, "http")).toBeNull();
    expect(normaliseServerAddress(garbage, "https")).toBeNull();
  });

  it("the console's schema keeps the address as typed (normalised where it is stored) and quotes what it refuses", () => {
    expect(ZServerAddress.parse(" backup.example.net:3000 ")).toBe("backup.example.net:3000");
    const refused = ZServerAddress.safeParse("ftp://x");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('"ftp://x" is not');
  });
});

describe("SLS_MAIN_URL typed without a scheme takes the backup's own (both servers of a pair run TLS or neither)", () => {
  const backup = {
    SLS_ROLE: "backup",
    SLS_MAIN_URL: "main.example.net:3000",
    SLS_BACKUP_SERIAL: "BKP1",
    SLS_SHARED_SECRET: "a-shared-secret-of-enough-length",
    SLS_BACKUP_KEY: "k".repeat(44),
  };

  it("https:// when this server has a certificate, http:// when it has none, a typed scheme kept", () => {
    const tls = { SLS_TLS_CERT: "/etc/sls/cert.pem", SLS_TLS_KEY: "/etc/sls/key.pem" };
    expect(loadEnv({ ...backup, ...tls }).SLS_MAIN_URL).toBe("https://main.example.net:3000");
    expect(loadEnv(backup).SLS_MAIN_URL).toBe("http://main.example.net:3000");
    expect(loadEnv({ ...backup, ...tls, SLS_MAIN_URL: "http://main.example.net:3000" }).SLS_MAIN_URL).toBe(
      "http://main.example.net:3000",
    );
  });
});
