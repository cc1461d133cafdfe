// Issue 9, the client against the real admission control: a fleet that registers and asks at the
// same instant, against a server whose call deadline is short, is partly refused as OVERLOADED.
// Every appliance still ends up registered with its grant, no retry came before the server's
// retryAfterMs, and the ledger shows each grant once.
import { afterAll, describe, expect, it } from "vitest";
import { Live, type LiveParticipant } from "./kit/live.ts";
import { eventually, expectLedgerBalanced } from "@sls/server/testing";
import { freshSqliteUrl } from "./kit/server-process.ts";

const FLEET = 150;
const live = new Live();
afterAll(() => live.stopAll());

describe("a fleet against a server that sheds load", () => {
  it("is refused in part as OVERLOADED, backs off, and is served once each", async () => {
    const databaseUrl = freshSqliteUrl();
    // 100 ms is the shortest deadline the server takes: a few dozen calls queued exceed it.
    const { baseUrl } = await live.server({
      databaseUrl,
      poolSize: FLEET * 1_000,
      env: { SLS_CALL_DEADLINE_MS: "100" },
    });
    const store = live.store(databaseUrl);
    const fleet: LiveParticipant[] = Array.from({ length: FLEET }, (_, i) =>
      live.participant(baseUrl, `SHED-${String(i + 1).padStart(4, "0")}`, {
        callTimeoutMs: 20_000,
        retryDelayMs: 1_000,
        maxRefreshIntervalMs: 300_000, // the server's 10 s
      }),
    );

    await Promise.all(
      fleet.map(async (p) => {
        await p.participant.start();
        p.participant.setLoad(300);
      }),
    );
    await eventually(
      () => {
        for (const p of fleet) expect(p.participant.state, p.serial).toMatchObject({ granted: 200, pending: 0 });
      },
      { timeoutMs: 90_000 },
    );

    const refusals = fleet.flatMap((p) => p.answers.filter((a) => !a.ok));
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals.map((a) => a.reason))).toEqual(new Set(["OVERLOADED"]));
    for (const p of fleet) {
      p.answers.forEach((refused, i) => {
        if (refused.ok) return;
        const next = p.answers.slice(i + 1).find((a) => a.verb === refused.verb);
        // Answers are recorded when they arrive; the retry's answer can only come after the wait.
        if (next)
          expect(next.at - refused.at, `${p.serial} ${refused.verb}`).toBeGreaterThanOrEqual(refused.retryAfterMs ?? 0);
      });
    }
    console.info(
      `${FLEET} appliances at once: ${refusals.length} calls refused as OVERLOADED (${[...new Set(refusals.map((a) => a.verb))].join(", ")}), all served`,
    );

    expect(await expectLedgerBalanced(store)).toEqual({ grantedSum: FLEET * 200, pendingSum: 0 });
  }, 150_000);
});
