// The shared secret is the fleet's guard against guessing from many addresses, so a new one needs
// 16 characters (settings API, SLS_SHARED_SECRET on a new database); a shorter one already in use
// keeps working, with a warning on the overview and in the log at start.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { hashSecret, hashSharedSecret } from "../src/auth/secret.ts";
import { RULES } from "../src/contracts/rules.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registration,
  settle,
  startTestServer,
  type TestServer,
} from "./kit/test-server.ts";
import { applianceClient } from "./kit/clients.ts";
import { startServerProcess, type ServerProcess } from "./kit/processes.ts";
import { temporaryFolder } from "./kit/temporary-folders.ts";

/** One character short of the minimum. */
const SHORT = "fifteen-chars-x";

describe.each(providers())("the shared secret's length on %s", (provider) => {
  let server: TestServer | undefined;
  let serverProcess: ServerProcess | undefined;
  const dataDirs: string[] = [];
  const databases: FreshDatabase[] = [];
  /** A fresh database this test drops afterwards. */
  const database = async (label: string) => {
    const db = await freshDatabase(provider, label);
    databases.push(db);
    return db;
  };
  const dataDir = () => {
    const dir = temporaryFolder("secret-length");
    dataDirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await server?.close();
    await serverProcess?.stop();
    server = serverProcess = undefined;
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    for (const db of databases.splice(0)) await db.drop();
  });

  it("a 15-character secret is refused by the settings API with a message saying 16, and changes nothing", async () => {
    expect(SHORT).toHaveLength(RULES.secret.minLength - 1);
    const db = await database("secret_length_api");
    server = await startTestServer(db.url);
    const admin = await setUpAdmin(server);
    const before = await admin.trpc.admin.settings.get.query();
    const refused = await settle(admin.trpc.admin.settings.setSecret.mutate({ secret: SHORT }));
    expect(refused).toMatchObject({ ok: false, status: 400, error: { data: { code: "BAD_REQUEST" } } });
    if (!refused.ok) expect(refused.error.message).toContain("at least 16 characters");
    expect(await admin.trpc.admin.settings.get.query()).toEqual(before);
    // The same secret one character longer is taken.
    await admin.trpc.admin.settings.setSecret.mutate({ secret: `${SHORT}y` });
    expect((await admin.trpc.admin.overview.get.query()).secretLength).toBe("long");
  });

  it("SLS_SHARED_SECRET of 15 characters is refused at first start with a message saying 16", async () => {
    const db = await database("secret_length_env");
    const start = startServerProcess({ DATABASE_URL: db.url, SLS_SHARED_SECRET: SHORT, SLS_DATA_DIR: dataDir() });
    await expect(start).rejects.toThrow(/SLS_SHARED_SECRET: must be at least 16 characters/);
  });

  it("an existing shorter secret still registers, and the overview and the start log warn about it", async () => {
    const db = await database("secret_length_existing");
    server = await startTestServer(db.url);
    const admin = await setUpAdmin(server);
    const { store, settings } = server.running.services;
    const writeVerifier = async (secretHash: string) => {
      await store.inPoolTransaction((tx) => tx.writeSettings({ secretHash }));
      settings.invalidate();
    };

    // A verifier written before verifiers recorded the length: unknown until the secret is seen.
    await writeVerifier(await hashSecret(SHORT));
    expect((await admin.trpc.admin.overview.get.query()).secretLength).toBe("unknown");
    await server.api().appliance.register.mutate(registration("SHORT1", { secret: SHORT }));
    expect((await admin.trpc.admin.overview.get.query()).secretLength).toBe("short");

    // One that records it (as this server writes them).
    await writeVerifier(await hashSharedSecret(SHORT));
    expect((await admin.trpc.admin.overview.get.query()).secretLength).toBe("short");
    await server.close();
    server = undefined;

    // A restart with the short secret still in the environment: it starts, warns, and registers.
    serverProcess = await startServerProcess({
      DATABASE_URL: db.url,
      SLS_SHARED_SECRET: SHORT,
      SLS_DATA_DIR: dataDir(),
    });
    await serverProcess.waitForOutput(/the shared secret is shorter than 16 characters/);
    const registered = await settle(
      applianceClient(serverProcess.baseUrl).appliance.register.mutate(registration("SHORT2", { secret: SHORT })),
    );
    expect(registered).toMatchObject({ ok: true });
  });
});
