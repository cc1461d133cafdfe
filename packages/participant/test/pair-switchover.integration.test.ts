// Issue 5, test 3: a participant failover pair (each unit names the other as haPeerSerial)
// switches over; the newly active unit calls transfer and holds the sessions, the old one 0.
// Units that are not one pair are refused with FORBIDDEN / NOT_HA_PEER and nothing moves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParticipantEvents } from "../src/events.ts";
import { freshSqliteUrl, type ServerProcess } from "./kit/server-process.ts";
import { Live } from "./kit/live.ts";
import { eventually, expectLedgerBalanced } from "@sls/server/testing";
import type { Store } from "@sls/db";

const live = new Live();
let server: ServerProcess;
let store: Store;

beforeAll(async () => {
  const databaseUrl = freshSqliteUrl();
  server = await live.server({ databaseUrl, poolSize: 300 });
  store = live.store(databaseUrl);
});
afterAll(() => live.stopAll());

async function held(serial: string): Promise<{ granted: number; pending: number } | undefined> {
  const row = await store.findParticipantBySerial(serial);
  return row ? { granted: row.granted, pending: row.pending } : undefined;
}

describe("participant failover pair", () => {
  it("moves the active unit's granted and pending sessions to the unit that becomes active", async () => {
    // A long hysteresis: the unit going standby must not give its sessions back before the transfer.
    const slowRelease = { releaseDelayMs: 60_000 };
    const first = live.participant(server.baseUrl, "PAIR-A", { haPeerSerial: "PAIR-B", ...slowRelease });
    const second = live.participant(server.baseUrl, "PAIR-B", { haPeerSerial: "PAIR-A" });
    const firstReleased: Array<ParticipantEvents["released"]> = [];
    const secondGranted: Array<ParticipantEvents["granted"]> = [];
    first.participant.on("released", (e) => firstReleased.push(e));
    second.participant.on("granted", (e) => secondGranted.push(e));
    await first.participant.start();
    await second.participant.start();

    // Only the active unit asks: 500 sessions against a local 100 and a pool of 300.
    first.participant.setLoad(500);
    await eventually(() => expect(first.participant.state).toMatchObject({ granted: 300, pending: 100 }));

    // Switchover: the old unit goes standby, the new one takes over its sessions before it carries the load.
    first.participant.setLoad(0);
    await expect(second.participant.transferFrom("PAIR-A")).resolves.toEqual({ granted: 300, pending: 100 });
    second.participant.setLoad(500);
    expect(second.participant.state).toMatchObject({ granted: 300, pending: 100, capacity: 400 });
    expect(secondGranted).toEqual([{ added: 300, granted: 300, pending: 100, via: "transfer" }]);

    // The old unit learns at its next refresh that it holds nothing, and asks for nothing.
    await first.participant.refresh();
    expect(first.participant.state).toMatchObject({ granted: 0, pending: 0, capacity: 100 });
    expect(firstReleased).toEqual([{ sessions: 300, granted: 0, pending: 0, reason: "reclaimed" }]);
    expect(await held("PAIR-A")).toEqual({ granted: 0, pending: 0 });
    expect(await held("PAIR-B")).toEqual({ granted: 300, pending: 100 });

    // The new active unit carries on as any participant: its load drops, it gives back 100 and withdraws the moved pending.
    second.participant.setLoad(300);
    await eventually(() => expect(second.participant.state).toMatchObject({ granted: 200, pending: 0 }));
    await expectLedgerBalanced(store);
    await second.participant.stop({ release: true });
  });

  it("takes over from a unit that died holding sessions; the dead unit comes back as standby with 0", async () => {
    const dying = live.participant(server.baseUrl, "PAIR-C", { haPeerSerial: "PAIR-D" });
    const survivor = live.participant(server.baseUrl, "PAIR-D", { haPeerSerial: "PAIR-C" });
    await dying.participant.start();
    await survivor.participant.start();
    dying.participant.setLoad(150);
    await eventually(() => expect(dying.participant.state.granted).toBe(50));
    await dying.participant.stop(); // no release: the unit is gone

    await expect(survivor.participant.transferFrom("PAIR-C")).resolves.toEqual({ granted: 50, pending: 0 });
    const rebooted = live.participant(server.baseUrl, "PAIR-C", { haPeerSerial: "PAIR-D" });
    await rebooted.participant.start();
    expect(rebooted.participant.state).toMatchObject({ granted: 0, pending: 0 });
    expect(await held("PAIR-D")).toEqual({ granted: 50, pending: 0 });
    await survivor.participant.stop({ release: true });
    expect(await held("PAIR-D")).toEqual({ granted: 0, pending: 0 });
  });

  it("refuses a transfer between units that are not one pair (FORBIDDEN / NOT_HA_PEER), and nothing moves", async () => {
    const holder = live.participant(server.baseUrl, "SOLO-1");
    const other = live.participant(server.baseUrl, "SOLO-2", { haPeerSerial: "SOLO-9" });
    await holder.participant.start();
    await other.participant.start();
    holder.participant.setLoad(150);
    await eventually(() => expect(holder.participant.state.granted).toBe(50));

    // Neither names the other.
    await expect(other.participant.transferFrom("SOLO-1")).rejects.toMatchObject({
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });
    // A unit of another pair, and itself.
    await expect(other.participant.transferFrom("PAIR-D")).rejects.toMatchObject({
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });
    await expect(other.participant.transferFrom("SOLO-2")).rejects.toMatchObject({
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });
    // An unknown serial it does not name.
    await expect(other.participant.transferFrom("NOBODY")).rejects.toMatchObject({
      code: "FORBIDDEN",
      reason: "NOT_HA_PEER",
    });

    expect(other.participant.state).toMatchObject({ granted: 0, pending: 0 });
    expect(await held("SOLO-1")).toEqual({ granted: 50, pending: 0 });
    expect(await held("SOLO-2")).toEqual({ granted: 0, pending: 0 });
  });
});
