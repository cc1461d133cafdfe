import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ParticipantRecord, Store } from "@sls/db";
import { auditEvents, participantRecords } from "@sls/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/auth/token.ts";
import { REMOTE_TEXT_MAX_CHARS } from "../src/http/remote-text.ts";
import { SNAPSHOT_ANSWER_MAX_BYTES } from "../src/http/trpc-call.ts";
import { BackupLink, type TSealed } from "../src/services/backup/link-key.ts";
import { participantToWire } from "../src/services/backup/snapshot-wire.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { INACTIVE } from "./kit/backup-peer.ts";
import { applianceClient, reasonOf } from "./kit/clients.ts";
import { type FreshDatabase, freshDatabase, providers } from "./kit/databases.ts";
import { type ServerProcess, startServerProcess } from "./kit/processes.ts";
import { waitFor } from "./kit/wait-for.ts";
import { registration, SECRET } from "./kit/test-server.ts";
import { temporaryFolder } from "./kit/temporary-folders.ts";

const POOL = 500;
const FUTURE = "2100-01-01T00:00:00.000Z";
/** Control characters, a newline, an ANSI escape and a bidi override: what must not reach a log line or a page. */
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e]/u;

/**
 * A hostile backup over real HTTP: answers backup.handback with whatever the test's handler
 * writes (sealed with the real link key, so only the main server's own checks stand in its way).
 */
class HostileBackup {
  readonly link = new BackupLink(BACKUP_KEY, Date.now);
  handbacks = 0;
  private readonly server: Server;
  port = 0;

  constructor(public handle: (input: TSealed, res: ServerResponse, self: HostileBackup) => void) {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        this.handbacks += 1;
        this.handle(JSON.parse(body || "null") as TSealed, res, this);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The payload, sealed as the answer to `input`, as a tRPC result. */
  sealed(input: TSealed, payload: unknown): string {
    return JSON.stringify({ result: { data: this.link.seal(`handback-answer:${input.nonce}`, payload) } });
  }

  /** Answers the next hand-back with `payload`, and every later one as an inactive backup. */
  once(payload: unknown): void {
    let used = false;
    this.handle = (input, res, self) => {
      const answer = used ? INACTIVE : payload;
      used = true;
      res.writeHead(200, { "content-type": "application/json" }).end(self.sealed(input, answer));
    };
  }

  inactive(): void {
    this.handle = (input, res, self) =>
      res.writeHead(200, { "content-type": "application/json" }).end(self.sealed(input, INACTIVE));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** An active backup's answer that changed `changed` (wire records) and leaves `untouched` elsewhere. */
function activeAnswer(
  changed: Array<ReturnType<typeof participantToWire>>,
  extra: {
    poolSize?: number;
    untouched?: { granted: number; pending: number };
    seen?: unknown[];
    alerts?: unknown[];
  } = {},
) {
  const untouched = extra.untouched ?? { granted: 0, pending: 0 };
  return {
    wasActive: true,
    pool: {
      poolSize: extra.poolSize ?? POOL,
      grantedTotal: untouched.granted + changed.reduce((sum, p) => sum + p.granted, 0),
      pendingTotal: untouched.pending,
      pendingSeq: 0,
    },
    participants: changed,
    untouched,
    seen: extra.seen ?? [],
    alerts: extra.alerts ?? [],
  };
}

describe.each(providers())(
  "the main server checks a hand-back against its own truth (real processes, %s)",
  (provider) => {
    let db: FreshDatabase;
    let main: ServerProcess;
    let store: Store;
    let backup: HostileBackup;
    const dataDir = temporaryFolder("handback-truth");

    beforeAll(async () => {
      backup = await new HostileBackup(() => {}).listen();
      backup.inactive();
      db = await freshDatabase(provider, "handback_truth");
      main = await startServerProcess({
        DATABASE_URL: db.url,
        SLS_POOL_SIZE: String(POOL),
        SLS_SHARED_SECRET: SECRET,
        SLS_REFRESH_INTERVAL_SEC: "30",
        SLS_SWEEP_INTERVAL_MS: "3600000",
        SLS_BACKUP_KEY: BACKUP_KEY,
        SLS_SYNC_INTERVAL_MS: "100",
        SLS_DATA_DIR: dataDir,
      });
      store = Store.open(db.url);
      // As the console stores it (typed without a scheme on a main server without TLS).
      await store.inPoolTransaction((tx) => tx.writeSettings({ backupAddress: backup.url, backupSerial: "BKPTRUTH" }));
      // A backup that has served (its last sync said so): its failed hand-backs are reported.
      await store.backup.recordBackupReport({ at: new Date(), active: true, remainingMs: 0 });
      await waitFor(async () => backup.handbacks >= 2, { what: "the main server to call the backup" });
    });
    afterAll(async () => {
      await main?.stop();
      await store?.close();
      await backup?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const register = async (serial: string, sessions: number) => {
      const reg = await applianceClient(main.baseUrl).appliance.register.mutate(registration(serial));
      if (sessions > 0)
        await applianceClient(main.baseUrl, { token: reg.token }).appliance.request.mutate({
          sessions,
          requestId: "r",
        });
      const record = (await participantRecords(store)).find((p) => p.serial === serial)!;
      return { token: reg.token, record };
    };
    const recordOf = async (serial: string) => (await participantRecords(store)).find((p) => p.serial === serial);
    /** Σ granted and Σ pending of everyone but `serial`, as an honest backup would report them. */
    const untouchedBesides = async (serial: string) => {
      const others = (await participantRecords(store)).filter((p) => p.serial !== serial);
      return {
        granted: others.reduce((sum, p) => sum + p.granted, 0),
        pending: others.reduce((sum, p) => sum + p.pending, 0),
      };
    };
    const refusals = async () => auditEvents(store, { types: ["backup.handback-refused"] });
    const lastFailure = async () =>
      (await store.backup.lastHandbackOutcome()) ?? { failed: false, detail: {} as Record<string, unknown> };

    const failures = async () => auditEvents(store, { types: ["backup.handback-failed"] });

    /**
     * Hands `payload` over once and waits until the main server has refused it: audited, nothing
     * written, and a failed outcome for the overview's backup card (shown until a hand-back works again).
     */
    async function expectRefused(payload: unknown, reason: RegExp): Promise<void> {
      const before = { ledger: await store.ledger(), records: await participantRecords(store) };
      const refusedBefore = (await refusals()).length;
      const failedBefore = (await failures()).length;
      backup.once(payload);
      const [refused] = await waitFor(
        async () => {
          const rows = await refusals();
          return rows.length > refusedBefore ? rows.slice(-1) : null;
        },
        { what: "the refusal in the audit history" },
      );
      expect(JSON.parse(refused!.detail!).reasons.join(" ")).toMatch(reason);
      const [failed] = await waitFor(
        async () => {
          const rows = await failures();
          return rows.length > failedBefore ? rows.slice(-1) : null;
        },
        { what: "the failed hand-back outcome" },
      );
      expect(JSON.parse(failed!.detail!).cause).toMatch(reason);
      expect(await store.ledger()).toEqual(before.ledger);
      expect(await participantRecords(store)).toEqual(before.records);
      // The backup went inactive when it answered: later calls work, and the refusal stays on the
      // overview all the same (what the backup held was not taken).
      backup.inactive();
      const calls = backup.handbacks;
      await waitFor(async () => backup.handbacks >= calls + 3, { what: "three more hand-back calls" });
      expect(await lastFailure()).toMatchObject({ failed: true, detail: { refused: true } });
      expect(String((await lastFailure()).detail.cause)).toMatch(reason);
    }

    /** Hands `payload` over once and waits until `done` shows the merge. */
    async function handOver<T>(payload: unknown, done: () => Promise<T | null | undefined | false>, what: string) {
      backup.once(payload);
      return waitFor(done, { what });
    }

    it("refuses a hand-back that claims a bigger pool than this server's and fills it", async () => {
      const { record } = await register("TRUTH1", 100);
      const greedy = participantToWire({ ...record, granted: 900 });
      await expectRefused(activeAnswer([greedy], { poolSize: 2 * POOL }), /Σ granted 900 exceeds poolSize 500/);
    });

    it("refuses a grant above this server's platform limit for the participant, whatever limit the backup claims", async () => {
      const { record } = await register("TRUTH2", 50);
      const raised = participantToWire({ ...record, platformLimit: 5000, localLimit: 0, granted: 950 });
      await expectRefused(activeAnswer([raised], { poolSize: 5000 }), /exceeds platformLimit 1000/);
    });

    it("takes grant and token from the backup, and keeps approval, limits and identity as this server has them", async () => {
      const { token, record } = await register("TRUTH3", 50);
      const issuedOnBackup = "token-the-appliance-got-from-the-backup";
      const rewritten = participantToWire({
        ...record,
        granted: 150,
        hostname: "evil.example.net",
        model: "EVIL",
        platformLimit: 100_000,
        localLimit: 0,
        haPeerSerial: "TRUTH1",
        approved: false,
        tokenHash: hashToken(issuedOnBackup),
      });
      const merged = await handOver(
        activeAnswer([rewritten], { untouched: await untouchedBesides("TRUTH3") }),
        async () => {
          const now = await recordOf("TRUTH3");
          return now?.granted === 150 ? now : null;
        },
        "the merge of TRUTH3",
      );
      const kept: Array<keyof ParticipantRecord> = [
        "hostname",
        "model",
        "platformLimit",
        "localLimit",
        "haPeerSerial",
        "approved",
        "registeredAt",
      ];
      for (const field of kept) expect(merged[field], field).toEqual(record[field]);
      expect(merged.tokenHash).toBe(hashToken(issuedOnBackup));
      // Over HTTP: the token the backup issued works on the main server, the one it replaced does not.
      expect(await reasonOf(applianceClient(main.baseUrl, { token }).appliance.refresh.mutate({ inUse: 1 }))).toBe(
        "BAD_TOKEN",
      );
      expect(
        await applianceClient(main.baseUrl, { token: issuedOnBackup }).appliance.refresh.mutate({ inUse: 1 }),
      ).toMatchObject({ granted: 150 });
      await expectLedgerBalanced(store);
    });

    it("clamps dates from the future to now, keeps a newcomer's grant, and stores the backup's alerts cleaned and capped", async () => {
      const { record } = await register("TRUTH4", 0);
      const { record: seenOnly } = await register("TRUTH5", 0);
      const newcomer = {
        ...participantToWire({ ...record, id: "ptc_registered_on_backup", serial: "TRUTHNEW", granted: 50 }),
        tokenHash: hashToken("newcomer-token"),
        registeredAt: FUTURE,
        lastSeenAt: FUTURE,
      };
      const future = { ...participantToWire({ ...record, granted: 50 }), lastSeenAt: FUTURE, reclaimedAt: FUTURE };
      const shout = `CRITICAL\u0007\r\nforged log line\u001b[2J\u202e${"z".repeat(3000)}`;
      const startedAt = Date.now();
      await handOver(
        activeAnswer([future, newcomer], {
          untouched: await untouchedBesides("TRUTH4"),
          seen: [[seenOnly.id, FUTURE]],
          alerts: [
            { at: FUTURE, detail: JSON.stringify({ alert: "LIMIT_REACHED", message: shout, operatingDaysLeft: 0 }) },
            { at: FUTURE, detail: `not json\n${"q".repeat(4000)}` },
          ],
        }),
        async () => (await recordOf("TRUTHNEW")) ?? null,
        "the newcomer to be merged",
      );
      const checkedAt = Date.now();
      const inPast = (date: Date | null | undefined) => {
        expect(date).toBeInstanceOf(Date);
        expect(date!.getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
        expect(date!.getTime()).toBeLessThanOrEqual(checkedAt);
      };
      const merged = (await recordOf("TRUTH4"))!;
      expect(merged.granted).toBe(50);
      inPast(merged.lastSeenAt);
      inPast(merged.reclaimedAt);
      inPast((await recordOf("TRUTH5"))!.lastSeenAt);
      const arrived = (await recordOf("TRUTHNEW"))!;
      inPast(arrived.registeredAt);
      inPast(arrived.lastSeenAt);
      expect(arrived).toMatchObject({ granted: 50, approved: true, platformLimit: 1000 });
      expect(
        await applianceClient(main.baseUrl, { token: "newcomer-token" }).appliance.refresh.mutate({ inUse: 1 }),
      ).toMatchObject({ granted: 50 });

      const alerts = await auditEvents(store, { types: ["backup-alert"] });
      expect(alerts).toHaveLength(2);
      for (const alert of alerts) {
        inPast(alert.at);
        expect(alert.detail!.length).toBeLessThan(REMOTE_TEXT_MAX_CHARS + 200);
      }
      const [known, text] = alerts.map((a) => JSON.parse(a.detail!));
      expect(known).toMatchObject({ alert: "LIMIT_REACHED", operatingDaysLeft: 0 });
      expect(known.message).toHaveLength(REMOTE_TEXT_MAX_CHARS);
      expect(known.message).not.toMatch(UNSAFE);
      expect(known.message.startsWith("CRITICAL forged log line [2J zzz")).toBe(true);
      expect(text.text).toHaveLength(REMOTE_TEXT_MAX_CHARS);
      expect(text.text).not.toMatch(UNSAFE);
    });

    it("stores the backup's error message cleaned and capped where the overview and the alerts read it", async () => {
      const message = `on fire\n\u0000\u001b]0;pwned\u0007${"e".repeat(20_000)}`;
      backup.handle = (_input, res) =>
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message, data: { reason: "INTERNAL_SERVER_ERROR" } } }));
      const failure = await waitFor(
        async () => {
          const outcome = await lastFailure();
          return outcome.failed && String(outcome.detail.cause).startsWith("on fire") ? outcome : null;
        },
        { what: "the failure to be recorded" },
      );
      const cause = String(failure.detail.cause);
      expect(cause.length).toBeLessThanOrEqual(REMOTE_TEXT_MAX_CHARS);
      expect(cause).not.toMatch(UNSAFE);
      backup.inactive();
    });

    it("refuses a redirecting backup and never calls where it points, even with a good sealed answer there", async () => {
      const elsewhere = await new HostileBackup(() => {}).listen();
      try {
        const { record } = await register("TRUTH6", 50);
        const untouched = await untouchedBesides("TRUTH6");
        elsewhere.handle = (input, res, self) =>
          res.writeHead(200, { "content-type": "application/json" }).end(
            self.sealed(
              input,
              activeAnswer([participantToWire({ ...record, granted: 60 })], {
                untouched,
              }),
            ),
          );
        backup.handle = (_input, res) =>
          res.writeHead(307, { location: `${elsewhere.url}/api/trpc/backup.handback` }).end();
        await waitFor(
          async () => {
            const outcome = await lastFailure();
            return outcome.failed && /redirect/.test(String(outcome.detail.cause)) ? outcome : null;
          },
          { what: "the redirect to be refused" },
        );
        expect(elsewhere.handbacks).toBe(0);
        expect((await recordOf("TRUTH6"))!.granted).toBe(50);
        backup.inactive();
      } finally {
        await elsewhere.close();
      }
    });

    it("refuses an answer announced larger than a hand-back may be, without waiting for it", async () => {
      backup.handle = (_input, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": String(SNAPSHOT_ANSWER_MAX_BYTES + 1),
        });
        res.flushHeaders();
      };
      await waitFor(
        async () => {
          const outcome = await lastFailure();
          return outcome.failed && /Content-Length/.test(String(outcome.detail.cause)) ? outcome : null;
        },
        { what: "the oversized answer to be refused" },
      );
      backup.inactive();
      await waitFor(async () => !(await lastFailure()).failed, { what: "hand-back calls to work again" });
    });

    it("calls a backup that is slow to answer once at a time, however many sync intervals pass", async () => {
      const held: Array<{ input: TSealed; res: ServerResponse }> = [];
      const calls = backup.handbacks;
      backup.handle = (input, res) => void held.push({ input, res });
      await waitFor(async () => held.length >= 1, { what: "a hand-back call to be held" });
      // A negative check needs time to pass: ten 100 ms sync intervals while the call waits.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(held).toHaveLength(1);
      expect(backup.handbacks).toBe(calls + 1);
      backup.inactive();
      for (const { input, res } of held)
        res.writeHead(200, { "content-type": "application/json" }).end(backup.sealed(input, INACTIVE));
      await waitFor(async () => backup.handbacks >= calls + 3, { what: "hand-back calls to go on once answered" });
    });
  },
);
