import { auditEvents } from "@sls/db/testing";
import { applianceClient } from "./kit/clients.ts";
import type { AccountRow } from "@sls/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadEnv } from "../src/env.ts";
import { ZBackupInput } from "../src/contracts/admin/settings.ts";
import { overview } from "../src/services/admin/overview.ts";
import { setBackup } from "../src/services/admin/settings.ts";
import { BackupLink, type TSealed } from "../src/services/backup/link-key.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { FakePeer, INACTIVE, wireParticipant, type PeerAnswer } from "./kit/backup-peer.ts";
import {
  freshDatabase,
  registerOk,
  registration,
  startTestServer,
  type TestServer,
  settle,
  waitFor,
} from "./kit/test-server.ts";

const ROOT: AccountRow = {
  id: "acc_root",
  name: "root",
  role: "admin",
  createdAt: new Date(),
  passwordChangedAt: new Date(),
  lastLoginAt: null,
  fromProvider: false,
  breakGlass: false,
};
const STRANGER = new BackupLink("x".repeat(44), Date.now);

function handbackOf(participants: Array<{ serial: string; granted: number }>, poolSize: number) {
  const rows = participants.map((p, i) =>
    wireParticipant(i, p.granted, { serial: p.serial, localLimit: 0, tokenHash: null }),
  );
  const grantedTotal = participants.reduce((sum, p) => sum + p.granted, 0);
  return {
    wasActive: true,
    pool: { poolSize, grantedTotal, pendingTotal: 0, pendingSeq: 0 },
    participants: rows,
    untouched: { granted: 0, pending: 0 },
    seen: [],
    alerts: [],
  };
}

describe("the main server's hand-back: normalised address, warnings, checked answers (fake backup over real HTTP)", () => {
  let main: TestServer;
  let backup: FakePeer;
  let answerHandback: (peer: FakePeer, input: unknown) => PeerAnswer = (peer, input) =>
    peer.answer("handback", input, INACTIVE);
  const logged: string[] = [];

  beforeAll(async () => {
    backup = await new FakePeer(BACKUP_KEY, (_path, input, self) => answerHandback(self, input)).listen();
    const db = await freshDatabase("sqlite", "handback");
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    main = await startTestServer(db.url, {
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "50",
      SLS_LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    await main?.close();
    await backup?.close();
    vi.restoreAllMocks();
  });

  const services = () => main.running.services;
  const handbacks = () => backup.count("backup.handback");
  const nextHandbacks = async (n = 2) => {
    const from = handbacks();
    await waitFor(async () => handbacks() >= from + n, { what: `${n} more hand-back calls` });
  };

  it("stores host:port typed in the console as http://host:port and calls the backup there", async () => {
    const input = ZBackupInput.parse({ backup: { address: backup.address, serial: "BKPHB01", peerSerial: null } });
    await setBackup(services(), ROOT, input.backup);
    expect((await services().store.readServer())!.backupAddress).toBe(`http://${backup.address}`);
    await nextHandbacks();
    expect(
      ZBackupInput.safeParse({ backup: { address: "backup.example.net:3000/x", serial: "BKPHB01", peerSerial: null } })
        .success,
    ).toBe(false);
  });

  it("normalises a host:port stored before the address was normalised (the hand-back used to fail on it)", async () => {
    await services().store.inPoolTransaction((tx) => tx.writeSettings({ backupAddress: backup.address }));
    await nextHandbacks();
  });

  it("a failed call is a warning naming the address and the cause, and a line on the overview until it works again", async () => {
    // Reported only once the backup has served (its sync said so); before, it holds nothing to hand back.
    await services().store.backup.recordBackupReport({ at: new Date(services().now()), active: true, remainingMs: 0 });
    answerHandback = () => ({ error: { message: "the backup is on fire", reason: "INTERNAL", status: 500 } });
    await waitFor(async () => (await overview(services())).backup.handbackFailure, {
      what: "the overview to show the failure",
    });
    const failure = (await overview(services())).backup.handbackFailure!;
    expect(failure.cause).toContain("the backup is on fire");
    const warning = logged
      .map((line) => JSON.parse(line))
      .find((l) => l.message === "hand-back call to the backup server failed");
    expect(warning).toMatchObject({ level: "warn", address: `http://${backup.address}` });
    expect(warning.cause).toContain("the backup is on fire");
    answerHandback = (peer, input) => peer.answer("handback", input, INACTIVE);
    await waitFor(async () => (await overview(services())).backup.handbackFailure === null, {
      what: "the failure line to go",
    });
  });

  it.each([
    [
      "signed with another key",
      (_peer: FakePeer, input: unknown) => ({
        data: STRANGER.seal(
          `handback-answer:${(input as TSealed).nonce}`,
          handbackOf([{ serial: "HB1", granted: 50 }], 500),
        ),
      }),
    ],
    [
      "answering another request",
      (peer: FakePeer, input: unknown) =>
        peer.answer(
          "handback",
          input,
          handbackOf([{ serial: "HB1", granted: 50 }], 500),
          "someone-elses-nonce-0000000",
        ),
    ],
    [
      "with Σ granted above its pool",
      (peer: FakePeer, input: unknown) =>
        peer.answer("handback", input, handbackOf([{ serial: "HB1", granted: 600 }], 500)),
    ],
    [
      "whose unlisted participants oversubscribe its pool",
      (peer: FakePeer, input: unknown) => {
        const answer = handbackOf([{ serial: "HB1", granted: 100 }], 500);
        return peer.answer("handback", input, {
          ...answer,
          pool: { ...answer.pool, grantedTotal: 550 },
          untouched: { granted: 450, pending: 0 },
        });
      },
    ],
    [
      "breaking its schema",
      (peer: FakePeer, input: unknown) =>
        peer.answer("handback", input, { ...handbackOf([], 500), seen: [["ptc_nobody", "yesterday"]] }),
    ],
  ])("refuses an answer %s: audited, nothing merged", async (_name, answerer) => {
    const token = await registerOk(main, `HBMAIN${handbacks()}`);
    await main.api(token).appliance.request.mutate({ sessions: 100, requestId: "r" });
    const before = await services().store.ledger();
    const refused = async () => (await auditEvents(services().store, { types: ["backup.handback-refused"] })).length;
    const refusedBefore = await refused();
    answerHandback = answerer;
    await nextHandbacks();
    expect(await services().store.ledger()).toEqual(before);
    expect(await services().store.findParticipantBySerial("HB1")).toBeNull();
    expect(await refused()).toBeGreaterThan(refusedBefore);
    expect((await overview(services())).backup.handbackFailure).not.toBeNull();
    answerHandback = (peer, input) => peer.answer("handback", input, INACTIVE);
  });
});

describe("the backup link key: the fleet secret alone gets neither the fleet nor a hand-back", () => {
  let main: TestServer;
  let keyless: TestServer;
  let backupServer: TestServer;
  const link = new BackupLink(BACKUP_KEY, Date.now);

  beforeAll(async () => {
    main = await startTestServer((await freshDatabase("sqlite", "link-main")).url, { SLS_BACKUP_KEY: BACKUP_KEY });
    keyless = await startTestServer((await freshDatabase("sqlite", "link-keyless")).url);
    for (const server of [main, keyless]) {
      await server.running.services.store.inPoolTransaction((tx) =>
        tx.writeSettings({ backupAddress: "http://127.0.0.1:1", backupSerial: "BKPLINK" }),
      );
    }
    await registerOk(main, "VICTIM1");
    const registered = await settle(
      applianceClient(main.baseUrl).backup.register.mutate(
        link.seal("register-request", { serial: "BKPLINK", hostname: "backup.example.net" }),
      ),
    );
    if (!registered.ok) throw new Error(JSON.stringify(registered.error));
  });
  afterAll(async () => {
    await backupServer?.close();
    await Promise.all([main?.close(), keyless?.close()]);
  });
  afterEach(() => vi.restoreAllMocks());

  const request = { active: false, remainingMs: 0, after: null, epoch: null };

  it("refuses the backup's serial from appliance.register with the fleet secret (RESERVED_SERIAL) and writes nothing", async () => {
    const store = main.running.services.store;
    const before = { row: await store.findParticipantBySerial("BKPLINK"), audit: await auditEvents(store, {}) };
    // The serial is shown to viewers in the console: anyone with the fleet secret could try it.
    const reserved = await settle(applianceClient(main.baseUrl).appliance.register.mutate(registration("BKPLINK")));
    expect(reserved).toMatchObject({ ok: false, status: 403, error: { data: { reason: "RESERVED_SERIAL" } } });
    if (!reserved.ok) expect(reserved.error.message).toMatch(/backup link \(SLS_BACKUP_KEY\)/);
    // The secret is checked first: a wrong one is still BAD_SECRET and tells nothing about the serial.
    const wrong = await settle(
      applianceClient(main.baseUrl).appliance.register.mutate(registration("BKPLINK", { secret: "not-the-secret" })),
    );
    expect(wrong).toMatchObject({ ok: false, error: { data: { reason: "BAD_SECRET" } } });
    expect({ row: await store.findParticipantBySerial("BKPLINK"), audit: await auditEvents(store, {}) }).toEqual(
      before,
    );
  });

  it("refuses backup.register with another key, for another serial, and on a backup server", async () => {
    const forged = await settle(
      applianceClient(main.baseUrl).backup.register.mutate(
        STRANGER.seal("register-request", { serial: "BKPLINK", hostname: "x" }),
      ),
    );
    expect(forged).toMatchObject({ ok: false, status: 401, error: { data: { reason: "BAD_SECRET" } } });
    const other = await settle(
      applianceClient(main.baseUrl).backup.register.mutate(
        link.seal("register-request", { serial: "VICTIM1", hostname: "x" }),
      ),
    );
    expect(other).toMatchObject({ ok: false, status: 403, error: { data: { reason: "NOT_BACKUP" } } });
    expect((await main.running.services.store.findParticipantBySerial("VICTIM1"))?.hostname).toBe(
      "victim1.example.net",
    );
  });

  it("refuses backup.sync unsealed or sealed with another key, and never sends token hashes", async () => {
    // Deliberately not the sealed input the procedure declares.
    const unsealed = await settle(applianceClient(main.baseUrl).backup.sync.mutate(request as never));
    expect(unsealed).toMatchObject({ ok: false, error: { data: { reason: "INVALID_INPUT" } } });
    const forged = await settle(
      applianceClient(main.baseUrl).backup.sync.mutate(STRANGER.seal("sync-request", request)),
    );
    expect(forged).toMatchObject({ ok: false, status: 401, error: { data: { reason: "BAD_SECRET" } } });
    if (!forged.ok) expect(forged.error.message).toContain("SLS_BACKUP_KEY");
    expect(JSON.stringify([unsealed, forged])).not.toMatch(/tokenHash|VICTIM1/);
  });

  it("answers a sealed request once, sealed as the answer to it, and refuses its replay", async () => {
    const sealed = link.seal("sync-request", request);
    const answer = await settle(applianceClient(main.baseUrl).backup.sync.mutate(sealed));
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    const body = JSON.parse(answer.data.body) as { full: boolean; participants: Array<{ serial: string }> };
    expect(body.full).toBe(true);
    expect(body.participants.map((p) => p.serial)).toContain("VICTIM1");
    expect(() =>
      link.open("sync-answer:another-request-nonce-000", answer.data, {
        safeParse: (v: unknown) => ({ success: true, data: v }),
      } as never),
    ).toThrow(/SLS_BACKUP_KEY/);
    const replay = await settle(applianceClient(main.baseUrl).backup.sync.mutate(sealed));
    expect(replay).toMatchObject({ ok: false, error: { data: { reason: "BAD_SECRET" } } });
    if (!replay.ok) expect(replay.error.message).toContain("already received");
  });

  it("a main server without SLS_BACKUP_KEY says so instead of syncing", async () => {
    for (const call of [
      applianceClient(keyless.baseUrl).backup.sync.mutate(link.seal("sync-request", request)),
      applianceClient(keyless.baseUrl).backup.register.mutate(
        link.seal("register-request", { serial: "BKPLINK", hostname: "x" }),
      ),
    ]) {
      const refused = await settle(call);
      expect(refused).toMatchObject({ ok: false, error: { data: { reason: "SERVER_NOT_CONFIGURED" } } });
      if (!refused.ok) expect(refused.error.message).toContain("SLS_BACKUP_KEY is not set on the main server");
    }
  });

  it("the backup role refuses to start without a key of at least 32 characters (and needs no fleet secret)", () => {
    const base = {
      SLS_ROLE: "backup",
      SLS_MAIN_URL: "main.example.net:3000",
      SLS_BACKUP_SERIAL: "BKP1",
    };
    expect(() => loadEnv(base)).toThrow(/SLS_BACKUP_KEY: required when SLS_ROLE=backup.*openssl rand -base64 32/);
    expect(() => loadEnv({ ...base, SLS_BACKUP_KEY: "short" })).toThrow(
      /SLS_BACKUP_KEY: must be 32–256 printable characters/,
    );
    expect(loadEnv({ ...base, SLS_BACKUP_KEY: BACKUP_KEY }).SLS_MAIN_URL).toBe("http://main.example.net:3000");
  });

  it("a backup refuses a hand-back not sealed with its key, and stays as it is", async () => {
    backupServer = await startTestServer((await freshDatabase("sqlite", "link-backup")).url, {
      SLS_ROLE: "backup",
      SLS_MAIN_URL: main.baseUrl,
      SLS_BACKUP_SERIAL: "BKPLINK",
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "600000",
    });
    const forged = await settle(
      applianceClient(backupServer.baseUrl).backup.handback.mutate(
        STRANGER.seal("handback-request", { handback: true }),
      ),
    );
    expect(forged).toMatchObject({ ok: false, status: 401, error: { data: { reason: "BAD_SECRET" } } });
    // The old proof, keyed by the fleet secret's verifier, is no longer a valid input.
    const oldProof = await settle(
      applianceClient(backupServer.baseUrl).backup.handback.mutate({ at: Date.now(), proof: "0".repeat(64) } as never),
    );
    expect(oldProof).toMatchObject({ ok: false, error: { data: { reason: "INVALID_INPUT" } } });
    const genuine = await settle(
      applianceClient(backupServer.baseUrl).backup.handback.mutate(
        new BackupLink(BACKUP_KEY, Date.now).seal("handback-request", { handback: true }),
      ),
    );
    expect(genuine.ok).toBe(true);
    // backup.sync and backup.register are the main server's: a backup refuses them even when sealed.
    const misdirected = await settle(
      applianceClient(backupServer.baseUrl).backup.sync.mutate(link.seal("sync-request", request)),
    );
    expect(misdirected).toMatchObject({ ok: false, status: 403, error: { data: { reason: "NOT_BACKUP" } } });
  });
});
