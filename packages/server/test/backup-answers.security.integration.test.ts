import { auditEvents } from "@sls/db/testing";
import type { Store } from "@sls/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupLink, type TSealed } from "../src/services/backup/link-key.ts";
import { expectLedgerBalanced } from "./kit/ledger.ts";
import { BACKUP_KEY } from "./kit/backup-pair.ts";
import { FakePeer, wireParticipant, type PeerAnswer } from "./kit/backup-peer.ts";
import { freshDatabase, startTestServer, type TestServer, waitFor } from "./kit/test-server.ts";

const SERIAL = "BKPFAKE";

function settings(poolSize: number, grantedTotal: number) {
  return {
    poolSize,
    grantedTotal,
    pendingTotal: 0,
    pendingSeq: 0,
    secretHash: null,
    secretChangedAt: null,
    refreshIntervalSec: 30,
    enabled: true,
    approvalRequired: false,
    alertThresholdPct: 90,
    backupAddress: "http://127.0.0.1:1",
    backupSerial: SERIAL,
    backupPeerSerial: null,
  };
}

const STRANGER = new BackupLink("x".repeat(44), Date.now);
const GOOD = {
  epoch: "E1",
  seq: "10",
  full: true,
  server: settings(500, 150),
  participants: [wireParticipant(1, 50), wireParticipant(2, 50), wireParticipant(3, 50)],
  removed: [],
  counters: [],
};

/** What a fake main server answers backup.sync with, by the test's choice. */
type Answerer = (peer: FakePeer, input: unknown) => PeerAnswer;
const sealed =
  (payload: unknown): Answerer =>
  (peer, input) =>
    peer.answer("sync", input, payload);

describe("the backup refuses bad backup.sync answers from a fake main server over real HTTP", () => {
  let peer: FakePeer;
  let backup: TestServer;
  let store: Store;
  let answerSync: Answerer = sealed(GOOD);
  let previous: PeerAnswer | null = null;
  const REGISTERED = { role: "backup", refreshIntervalSec: 30, granted: 0, pending: 0 };
  let answerRegister: Answerer = (self, input) => self.answer("register", input, REGISTERED);

  beforeAll(async () => {
    peer = await new FakePeer(BACKUP_KEY, (path, input, self) => {
      if (path === "backup.register") return answerRegister(self, input);
      const answer = answerSync(self, input);
      previous = answer;
      return answer;
    }).listen();
    const db = await freshDatabase("sqlite", "answers");
    backup = await startTestServer(db.url, {
      SLS_ROLE: "backup",
      SLS_MAIN_URL: peer.address,
      SLS_BACKUP_SERIAL: SERIAL,
      SLS_BACKUP_KEY: BACKUP_KEY,
      SLS_SYNC_INTERVAL_MS: "50",
      SLS_MAIN_DOWN_AFTER_FAILED_SYNCS: "100",
    });
    store = backup.running.services.store;
    await waitFor(async () => (await store.ledger()).grantedSum === 150, { what: "the first snapshot" });
  });
  afterAll(async () => {
    await backup?.close();
    await peer?.close();
  });

  const state = async () => (await store.listParticipants()).map((p) => `${p.serial}:${p.granted}`).join(",");
  const refusals = async () =>
    (await auditEvents(store, { types: ["backup.sync-refused"] })).reverse().map((r) => JSON.parse(r.detail!));
  /** Two more requests: the backup asks again only once it has dealt with the answer before. */
  const nextSyncs = async (n = 2) => {
    const from = peer.count("backup.sync");
    await waitFor(async () => peer.count("backup.sync") >= from + n, { what: `${n} more syncs` });
  };
  const lastRequest = () =>
    JSON.parse((peer.calls.filter((c) => c.path === "backup.sync").at(-1)!.input as TSealed).body);

  const cases: Array<[string, Answerer, RegExp]> = [
    [
      "an answer signed with another key",
      (_peer, input) => ({ data: STRANGER.seal(`sync-answer:${(input as TSealed).nonce}`, GOOD) }),
      /SLS_BACKUP_KEY/,
    ],
    ["a replay of an earlier answer", () => previous!, /not signed|already received/],
    ["an answer that is not sealed at all", () => ({ data: GOOD }), /not a sealed/],
    ["a sealed answer that breaks its schema", sealed({ ...GOOD, participants: [{ id: 7 }] }), /schema/],
    ["Σ granted above the pool size", sealed({ ...GOOD, server: settings(100, 150) }), /exceeds poolSize/],
    [
      "a participant beyond its platform limit",
      sealed({
        ...GOOD,
        participants: [wireParticipant(1, 950), wireParticipant(2, 50), wireParticipant(3, 50)],
        server: settings(2000, 1050),
      }),
      /exceeds platformLimit/,
    ],
    ["counters that differ from the participants", sealed({ ...GOOD, server: settings(500, 100) }), /differs from/],
    [
      "a delta that oversubscribes the pool with the participants it leaves alone",
      sealed({ ...GOOD, full: false, participants: [wireParticipant(2, 500)], server: settings(500, 600) }),
      /exceeds poolSize/,
    ],
  ];

  it.each(cases)(
    "refuses %s: nothing changes, the refusal is audited, the next sync asks for a full snapshot",
    async (_name, answerer, reason) => {
      answerSync = sealed(GOOD);
      await nextSyncs();
      const before = await state();
      const refusedBefore = (await refusals()).length;
      answerSync = answerer;
      await nextSyncs();
      expect(await state()).toBe(before);
      const audited = await refusals();
      expect(audited.length).toBeGreaterThan(refusedBefore);
      expect(audited[0].reasons.join(" ")).toMatch(reason);
      expect(lastRequest().after).toBeNull();
      expect(backup.running.services.serving).toMatchObject({ state: "inactive" });
    },
  );

  it("applies a good delta: changed participants replaced, removed ones deleted, the others left alone", async () => {
    answerSync = sealed(GOOD);
    await nextSyncs();
    answerSync = (self, input) => {
      const asked = JSON.parse((input as TSealed).body) as { after: string | null };
      // The backup asks for the changes after the number it applied.
      if (asked.after !== "10") return self.answer("sync", input, GOOD);
      return self.answer("sync", input, {
        ...GOOD,
        seq: "11",
        full: false,
        participants: [wireParticipant(1, 100)],
        removed: ["ptc_fake3"],
        server: settings(500, 150),
      });
    };
    await waitFor(async () => (await state()) === "FAKE1:100,FAKE2:50", { what: "the delta to be applied" });
    await waitFor(async () => lastRequest().after === "11", {
      what: "the next request to ask for the changes after 11",
    });
    expect(lastRequest().epoch).toBe("E1");
    await expectLedgerBalanced(store);
  });

  it("refuses a backup.register answer not sealed or breaking its schema, and registers once it is sound again", async () => {
    const linkRefusals = async () =>
      (await auditEvents(store, { types: ["backup.link-refused"] })).map((r) => JSON.parse(r.detail!).cause as string);
    const registrations = peer.count("backup.register");
    // A refused sync makes the backup register again before its next sync.
    answerSync = () => ({ error: { message: "no such backup", reason: "NOT_BACKUP", status: 403 } });
    for (const [answerer, cause] of [
      [(() => ({ data: REGISTERED })) as Answerer, /backup\.register answer: the message is not a sealed/],
      [
        ((self, input) => self.answer("register", input, { ...REGISTERED, role: 5 })) as Answerer,
        /does not match its schema/,
      ],
    ] as const) {
      answerRegister = answerer;
      await waitFor(async () => (await linkRefusals()).some((c) => cause.test(c)), { what: `the refusal ${cause}` });
    }
    expect(peer.count("backup.register")).toBeGreaterThan(registrations);
    answerRegister = (self, input) => self.answer("register", input, REGISTERED);
    answerSync = sealed(GOOD);
    await nextSyncs();
    expect(backup.running.services.serving).toMatchObject({ state: "inactive" });
    expect((await store.backup.readRole())?.failedSyncs).toBe(0);
  });
});
