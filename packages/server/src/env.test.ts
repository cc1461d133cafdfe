import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("defaults to port 3000 and a SQLite file under data/", () => {
    const env = loadEnv({}, "/work/main/packages/server");
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toMatch(/^file:.*\/data\/sls\.db$/);
    expect(env.SLS_ROLE).toBe("main");
    expect(env.SLS_SYNC_INTERVAL_MS).toBe(10_000);
  });

  it("lists every problem at once", () => {
    let message = "";
    try {
      loadEnv({ PORT: "0", SLS_POOL_SIZE: "-1", SLS_REFRESH_INTERVAL_SEC: "5", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      message = (error as Error).message;
    }
    for (const key of ["PORT", "SLS_POOL_SIZE", "SLS_REFRESH_INTERVAL_SEC", "DATABASE_URL"])
      expect(message).toContain(key);
  });

  it("requires the main server's URL, its own serial and the link key for the backup role, not the fleet secret", () => {
    expect(() => loadEnv({ SLS_ROLE: "backup" })).toThrow(/SLS_MAIN_URL.*\n.*SLS_BACKUP_SERIAL.*\n.*SLS_BACKUP_KEY/);
    const backup = {
      SLS_ROLE: "backup",
      SLS_MAIN_URL: "main:3000",
      SLS_BACKUP_SERIAL: "B1",
      SLS_BACKUP_KEY: "k".repeat(32),
    };
    expect(loadEnv(backup).SLS_SHARED_SECRET).toBeUndefined();
  });

  it("refuses a shared secret with spaces (its minimum length is checked when it seeds a database)", () => {
    expect(() => loadEnv({ SLS_SHARED_SECRET: "has a space in it" })).toThrow(/SLS_SHARED_SECRET/);
  });
});

describe("single sign-on settings", () => {
  const sso = {
    SLS_OIDC_ISSUER: "https://login.example.net/realms/ops",
    SLS_OIDC_CLIENT_ID: "sls-console",
    SLS_OIDC_CLIENT_SECRET: "s3cret",
    SLS_OIDC_ADMIN_GROUPS: " sls-admins , ops ,",
  };

  it("splits the group lists and defaults the claim and local sign-in", () => {
    const env = loadEnv(sso);
    expect(env.SLS_OIDC_ADMIN_GROUPS).toEqual(["sls-admins", "ops"]);
    expect(env.SLS_OIDC_VIEWER_GROUPS).toBeUndefined();
    expect(env.SLS_OIDC_GROUPS_CLAIM).toBe("groups");
    expect(env.SLS_LOCAL_LOGIN).toBe("on");
  });

  it("accepts http only for a loopback issuer", () => {
    expect(loadEnv({ ...sso, SLS_OIDC_ISSUER: "http://127.0.0.1:8080" }).SLS_OIDC_ISSUER).toBe("http://127.0.0.1:8080");
    expect(loadEnv({ ...sso, SLS_OIDC_ISSUER: "http://localhost:8080/realms/x" }).SLS_OIDC_ISSUER).toMatch(/^http:/);
    for (const issuer of [
      "http://login.example.net",
      "http://10.0.0.5",
      "ftp://login.example.net",
      "login.example.net",
    ])
      expect(() => loadEnv({ ...sso, SLS_OIDC_ISSUER: issuer }), issuer).toThrow(/SLS_OIDC_ISSUER/);
  });

  it("lists every part missing beside the issuer, and refuses local sign-in off without it", () => {
    expect(() => loadEnv({ SLS_OIDC_ISSUER: sso.SLS_OIDC_ISSUER })).toThrow(
      /SLS_OIDC_CLIENT_ID.*\n.*SLS_OIDC_CLIENT_SECRET.*\n.*SLS_OIDC_ADMIN_GROUPS/,
    );
    expect(() => loadEnv({ SLS_LOCAL_LOGIN: "off" })).toThrow(/SLS_LOCAL_LOGIN/);
    expect(loadEnv({ ...sso, SLS_LOCAL_LOGIN: "off" }).SLS_LOCAL_LOGIN).toBe("off");
  });
});
