// Issue 5, test 5: participants cut off from every server (main and backup stopped) keep their
// grant for the grace period (shortened here) and then drop it. When they come back after the
// server reclaimed the grant (they stayed cut off while it ran again) they get granted 0 and
// request again; when the server kept it they take its figure and ask for nothing twice.
import { auditEvents } from "@sls/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import type { ParticipantEvents } from "../src/events.ts";
import { Live, type LiveParticipant } from "./kit/live.ts";
import { eventually, expectLedgerBalanced } from "@sls/server/testing";

const SERVER_REFRESH_SEC = 10; // what the server tells participants; it reclaims after 3 of them
const SHORT_GRACE_MS = 2_000;

const live = new Live();
afterAll(() => live.stopAll());

type Seen = { [K in keyof ParticipantEvents]: { name: K } & ParticipantEvents[K] }[keyof ParticipantEvents];

function watch(p: LiveParticipant): Seen[] {
  const seen: Seen[] = [];
  for (const name of ["granted", "released", "failed-over", "grace-started", "grace-ended"] as const) {
    p.participant.on(name, (payload) => seen.push({ name, ...payload } as Seen));
  }
  return seen;
}

const named = <K extends Seen["name"]>(seen: Seen[], name: K) =>
  seen.filter((e): e is Extract<Seen, { name: K }> => e.name === name);

describe("a participant cut off from every server", () => {
  it("keeps its grant through the grace period, drops it after, and requests again after a reclaim", async () => {
    const servers = await live.mainAndBackup({ poolSize: 1_000, syncIntervalMs: 300 });
    const { mainUrl, backupUrl, mainStore } = servers;
    // expired: grace runs out, and the server reclaims meanwhile.
    // reclaimed: back within its grace period, but the server reclaimed.
    // kept: grace runs out, but the server kept the grant (back within 3 refresh intervals).
    const expired = live.participant(mainUrl, "GRACE-EXP", { graceMs: SHORT_GRACE_MS });
    const reclaimed = live.participant(mainUrl, "GRACE-REC", { graceMs: 120_000 });
    const kept = live.participant(mainUrl, "GRACE-KEPT", { graceMs: SHORT_GRACE_MS });
    const all = [expired, reclaimed, kept];
    const seen = new Map(all.map((p) => [p, watch(p)]));
    for (const p of all) {
      await p.participant.start();
      p.participant.setLoad(300);
    }
    await eventually(() => {
      for (const p of all)
        expect(p.participant.state, p.serial).toMatchObject({ granted: 200, capacity: 300, backupUrl });
    });

    // Cut off from every server.
    await servers.backup.stop();
    await servers.main.stop();
    await eventually(() => {
      for (const p of all) expect(p.participant.state.grace, p.serial).not.toBeNull();
    });
    for (const p of all) {
      expect(p.participant.state, p.serial).toMatchObject({ granted: 200, capacity: 300, inUse: 300 });
      const events = seen.get(p)!;
      // Each try (the first, then every retry after the back-off) goes to one server, then the other.
      const switches = named(events, "failed-over").map((e) => `${e.from}→${e.to} ${e.reason}`);
      expect(switches.length, p.serial).toBeGreaterThanOrEqual(2);
      expect(switches, p.serial).toEqual(
        switches.map((_, i) => (i % 2 === 0 ? "main→backup unreachable" : "backup→main unreachable")),
      );
      expect(named(events, "grace-started"), p.serial).toEqual([expect.objectContaining({ granted: 200 })]);
    }

    // The short grace periods run out: the grant is dropped, only the local limit remains.
    await eventually(() => {
      for (const p of [expired, kept])
        expect(p.participant.state, p.serial).toMatchObject({ grace: null, granted: 0, capacity: 100, inUse: 100 });
    });
    for (const p of [expired, kept]) {
      const events = seen.get(p)!;
      expect(named(events, "released").at(-1), p.serial).toEqual({
        name: "released",
        sessions: 200,
        granted: 0,
        pending: 0,
        reason: "grace-expired",
      });
      expect(named(events, "grace-ended"), p.serial).toEqual([{ name: "grace-ended", reason: "expired", granted: 0 }]);
      const started = named(events, "grace-started")[0]!;
      console.info(`${p.serial}: kept its grant ${started.until - started.since} ms without a server, then dropped it`);
    }
    expect(reclaimed.participant.state).toMatchObject({ granted: 200, capacity: 300 });

    // The server does not count the time no server ran as silence: two of them stay cut off from
    // the network while the main server runs again, longer than 3 refresh intervals, so it
    // reclaims their grants; the third comes back at once and keeps its grant.
    for (const p of [expired, reclaimed]) p.cutOff = true;
    const mainBackAt = Date.now();
    await servers.startMain();
    await eventually(
      async () => {
        for (const p of [expired, reclaimed])
          expect((await mainStore.findParticipantBySerial(p.serial))!.granted, p.serial).toBe(0);
      },
      { timeoutMs: (3 * SERVER_REFRESH_SEC + 20) * 1000 },
    );
    expect(reclaimed.participant.state).toMatchObject({ granted: 200, capacity: 300 });
    expect(kept.participant.state).toMatchObject({ granted: 200, pending: 0, grace: null, capacity: 300 });
    const backAt = Date.now();
    for (const p of [expired, reclaimed]) p.cutOff = false;
    await eventually(
      () => {
        for (const p of all) {
          expect(p.servedBy(mainUrl, backAt), p.serial).toBe(true);
          expect(p.participant.state, p.serial).toMatchObject({ granted: 200, pending: 0, grace: null, capacity: 300 });
        }
      },
      { timeoutMs: 3 * SERVER_REFRESH_SEC * 1000 },
    );

    // After a reclaim the server's first answer says granted 0, and the client requests again.
    for (const p of [expired, reclaimed]) {
      const afterBack = p.answers.filter((a) => a.at >= backAt && a.ok);
      expect(afterBack[0], p.serial).toMatchObject({ verb: "refresh", granted: 0 });
      expect(
        afterBack.find((a) => a.verb === "request"),
        p.serial,
      ).toMatchObject({ granted: 200 });
    }
    // Reconnected within its grace period, holding 200, and then told the server took them back.
    expect(
      seen
        .get(reclaimed)!
        .filter((e) => e.name !== "failed-over")
        .slice(-4),
    ).toEqual([
      { name: "grace-started", since: expect.any(Number), until: expect.any(Number), granted: 200 },
      { name: "grace-ended", reason: "reconnected", granted: 200 },
      { name: "released", sessions: 200, granted: 0, pending: 0, reason: "reclaimed" },
      { name: "granted", added: 200, granted: 200, pending: 0, via: "request" },
    ]);
    for (const p of [expired, reclaimed])
      expect(named(seen.get(p)!, "granted").at(-1), p.serial).toMatchObject({ added: 200, via: "request" });

    // The server kept the third one's grant: its figure is taken, nothing is asked for twice.
    expect(kept.answers.filter((a) => a.at >= mainBackAt && a.verb === "request")).toEqual([]);
    expect(named(seen.get(kept)!, "granted").at(-1)).toMatchObject({ added: 200, granted: 200 });

    const audit = await auditEvents(mainStore, { serials: all.map((p) => p.serial) });
    const story = (serial: string) =>
      audit.filter((a) => a.serial === serial).map((a) => `${a.type} ${a.grantedDelta}`);
    expect(story("GRACE-EXP")).toEqual(["register 0", "request 200", "reclaim -200", "request 200"]);
    expect(story("GRACE-REC")).toEqual(["register 0", "request 200", "reclaim -200", "request 200"]);
    expect(story("GRACE-KEPT")).toEqual(["register 0", "request 200"]);
    expect((await expectLedgerBalanced(mainStore)).grantedSum).toBe(600);
  }, 180_000);
});
