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
