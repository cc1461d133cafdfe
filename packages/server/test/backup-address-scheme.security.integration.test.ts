import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { setUpAdmin } from "./kit/console-client.ts";
import type { ConsoleClient } from "./kit/clients.ts";
import { makeTestCertificate, type TestCertificate } from "./kit/tls-certificate.ts";
import {
  type FreshDatabase,
  freshDatabase,
  providers,
  registerOk,
  registration,
  startTestServer,
  type TestServer,
  waitFor,
} from "./kit/test-server.ts";
import { temporaryFolder } from "./kit/temporary-folders.ts";

/**
 * The backup address typed in the console without a scheme inherits the main server's: a main
 * server that runs TLS stores, hands to appliances and calls https://, never plain http://.
 * (The server runs in this process with SLS_TLS_CERT/SLS_TLS_KEY set; the test server's listener
 * itself is plain HTTP, which is what lets this test's clients call it without the certificate.)
 */
describe.each(providers())("a backup address typed without a scheme on an HTTPS main server (%s)", (provider) => {
  let certificate: TestCertificate;
  let db: FreshDatabase;
  let main: TestServer;
  let admin: ConsoleClient;
  const dataDir = temporaryFolder("address-scheme");

  beforeAll(async () => {
    certificate = makeTestCertificate();
    db = await freshDatabase(provider, "address_scheme");
    main = await startTestServer(db.url, {
      SLS_TLS_CERT: certificate.certFile,
      SLS_TLS_KEY: certificate.keyFile,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "100",
      SLS_DATA_DIR: dataDir,
    });
    admin = await setUpAdmin(main);
  });
  afterAll(async () => {
    await main?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    if (certificate) rmSync(path.dirname(certificate.certFile), { recursive: true, force: true });
  });

  it("becomes https:// in the settings, in the appliances' answers and in the hand-back call", async () => {
    await admin.trpc.admin.settings.setBackup.mutate({
      backup: { address: "127.0.0.1:9", serial: "BKPTLS", peerSerial: null },
    });
    expect(await admin.trpc.admin.settings.get.query()).toMatchObject({
      backup: { address: "https://127.0.0.1:9" },
    });
    const register = await main.api().appliance.register.mutate(registration("TLSAPPL1"));
    expect(register.backup).toEqual({ address: "https://127.0.0.1:9" });
    const token = await registerOk(main, "TLSAPPL2");
    expect(await main.api(token).appliance.refresh.mutate({ inUse: 0 })).toMatchObject({
      backup: { address: "https://127.0.0.1:9" },
    });
    // The backup has never served, so the unanswered call is no failure: the card's address check says it.
    const check = await waitFor(() => main.running.services.backupCheck.last, {
      what: "the hand-back call to the (absent) backup",
    });
    expect(check).toMatchObject({ answers: false, address: "https://127.0.0.1:9" });
  });

  it("keeps a scheme the administrator typed, even plain http://", async () => {
    await admin.trpc.admin.settings.setBackup.mutate({
      backup: { address: "http://backup.example.net:3000", serial: "BKPTLS", peerSerial: null },
    });
    expect(await admin.trpc.admin.settings.get.query()).toMatchObject({
      backup: { address: "http://backup.example.net:3000" },
    });
  });
});
