import { afterEach, describe, expect, it } from "vitest";
import { UnreachableError } from "../src/errors.ts";
import type { Participant } from "../src/participant.ts";
import type { ParticipantOptions } from "../src/options.ts";
import { fetchTransport, type Transport } from "../src/transport.ts";
import { Live } from "./kit/live.ts";
import { eventually } from "@sls/server/testing";
import { freshSqliteUrl, type ServerProcess } from "./kit/server-process.ts";

const live = new Live();
afterEach(() => live.stopAll());

function server(poolSize: number, options: { databaseUrl?: string; port?: number } = {}): Promise<ServerProcess> {
  return live.server({
    databaseUrl: options.databaseUrl ?? freshSqliteUrl(),
    poolSize,
    ...(options.port ? { port: options.port } : {}),
  });
}

/** Refreshes at the server's interval (10 s): these tests call `refresh()` themselves where it matters. */
function participant(baseUrl: string, serial: string, extra: Partial<ParticipantOptions> = {}): Participant {
  return live.participant(baseUrl, serial, { retryDelayMs: 100, maxRefreshIntervalMs: 300_000, ...extra }).participant;
}

describe("participant against a running server (SQLite)", () => {
  it("requests, waits as pending, is served when another releases, and releases itself", async () => {
    const { baseUrl } = await server(500);
    const a = participant(baseUrl, "IT-A");
    const b = participant(baseUrl, "IT-B");
    const served: number[] = [];
    b.on("granted", (e) => e.via === "pending-served" && served.push(e.added));
    await a.start();
    await b.start();

    a.setLoad(500);
    await eventually(() => expect(a.state).toMatchObject({ granted: 400, pending: 0 }));
    b.setLoad(400);
    await eventually(() => expect(b.state).toMatchObject({ granted: 100, pending: 200 }));

    a.setLoad(200); // A gives back 300; the oldest pending ask (B's) is served at once
    await eventually(() => expect(a.state.granted).toBe(100));
    await b.refresh();
    expect(b.state).toMatchObject({ granted: 300, pending: 0 });
    expect(served).toEqual([200]);
  });

  it("gets the first answer when a request is retried with the same requestId", async () => {
    const { baseUrl } = await server(500);
    let lost = 0;
    const losesFirstRequestAnswer: Transport = {
      async call(url, verb, input, options) {
        const answer = await fetchTransport.call(url, verb, input, options);
        if (verb === "request" && lost++ === 0) throw new UnreachableError(url, "answer lost (test)");
        return answer;
      },
    };
    const p = participant(baseUrl, "IT-RETRY", { transport: losesFirstRequestAnswer });
    await p.start();
    p.setLoad(300);
    await eventually(() => expect(p.state.granted).toBe(200));
    // A second grant would show here: the server's view after a refresh.
    await p.refresh();
    expect(p.state).toMatchObject({ granted: 200, pending: 0 });
  });

  it("registers again when another process took over its serial, keeping the grant", async () => {
    const { baseUrl } = await server(500);
    const first = participant(baseUrl, "IT-SAME");
    await first.start();
    first.setLoad(300);
    await eventually(() => expect(first.state.granted).toBe(200));
    const second = participant(baseUrl, "IT-SAME");
    second.setLoad(300); // same appliance, same load: nothing to give back
    await second.start(); // supersedes the first one's token
    expect(second.state.granted).toBe(200);
    await first.refresh(); // BAD_TOKEN, registers again, refreshes
    expect(first.state).toMatchObject({ registered: true, granted: 200 });
  });

  it("transfers a failover peer's sessions to the newly active unit", async () => {
    const { baseUrl } = await server(500);
    const active = participant(baseUrl, "IT-PAIR-1", { haPeerSerial: "IT-PAIR-2" });
    const standby = participant(baseUrl, "IT-PAIR-2", { haPeerSerial: "IT-PAIR-1" });
    await active.start();
    await standby.start();
    active.setLoad(350);
    await eventually(() => expect(active.state.granted).toBe(250));
    await expect(standby.transferFrom("IT-PAIR-1")).resolves.toEqual({ granted: 250, pending: 0 });
    await active.refresh();
    expect(active.state.granted).toBe(0);
  });

  it("keeps its grant through a grace period while the server is down, drops it after, and takes the server's figures again once it is back", async () => {
    const databaseUrl = freshSqliteUrl();
    const first = await server(500, { databaseUrl });
    const p = participant(first.baseUrl, "IT-GRACE", { graceMs: 3_000, callTimeoutMs: 2_000 });
    const seen: string[] = [];
    for (const name of ["grace-started", "grace-ended", "released", "granted"] as const)
      p.on(name, () => seen.push(name));
    await p.start();
    p.setLoad(300);
    await eventually(() => expect(p.state.granted).toBe(200));

    await first.stop();
    await expect(p.refresh()).rejects.toBeInstanceOf(UnreachableError);
    expect(p.state.grace).not.toBeNull();
    expect(p.state.capacity).toBe(300);
    await eventually(() => expect(p.state).toMatchObject({ grace: null, granted: 0, capacity: 100 }), {
      timeoutMs: 8_000,
    });

    await server(500, { databaseUrl, port: first.port });
    await p.refresh(); // the server kept the grant (it was down, nobody reclaimed it)
    expect(p.state.granted).toBe(200);
    expect(seen).toEqual(["granted", "grace-started", "released", "grace-ended", "granted"]);
  });
});
