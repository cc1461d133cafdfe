// The real `sls` binary, spawned, against a real server of the kit (in this process, over HTTP,
// on SQLite: the command line sees only the API, which the server's tests run on both
// databases): every command in both output forms, and the exit codes 1, 2 and 3.
import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  freePort,
  freshDatabase,
  removeTemporaryFolder,
  temporaryFolder,
  type FreshDatabase,
} from "@sls/server/testing";
import { type ConsoleClient, setUpAdmin } from "@sls/server/testing/console-client";
import { registerOk, settle, startTestServer, TestClock, type TestServer } from "@sls/server/testing/test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Run, sls } from "./kit.ts";

describe("sls against a real server", () => {
  let db: FreshDatabase;
  let server: TestServer;
  let admin: ConsoleClient;
  let folder: string;
  let adminEnv: Record<string, string>;
  let viewerEnv: Record<string, string>;
  let adminTokenId: string;

  /** `sls` as the administrator's script, and its JSON answer (exit 0 required). */
  const json = async (args: string[], stdin?: string) => {
    const run = await sls([...args, "--json"], { env: adminEnv, stdin });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout);
  };
  const text = async (args: string[], stdin?: string): Promise<string> => {
    const run = await sls(args, { env: adminEnv, stdin });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    return run.stdout;
  };
  const expectRefused = (run: Run, reason: string) => {
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toContain(`refused (${reason})`);
  };
  const expectUsage = (run: Run, pattern: RegExp) => {
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toMatch(pattern);
  };

  beforeAll(async () => {
    db = await freshDatabase("sqlite", "cli");
    server = await startTestServer(db.url, {}, new TestClock(Date.now()));
    folder = temporaryFolder("cli");
    admin = await setUpAdmin(server);
    for (const serial of ["FW01", "FW02", "FW03", "FW04"]) {
      const token = await registerOk(server, serial);
      await server.api(token).appliance.request.mutate({ sessions: 100, requestId: `${serial}-1` });
    }
    await admin.trpc.admin.settings.setOperation.mutate({
      enabled: true,
      approvalRequired: true,
      alertThresholdPct: 80,
    });
    for (const serial of ["NEW01", "NEW02"]) await settle(registerOk(server, serial)); // refused: awaits approval
    const adminToken = await admin.trpc.admin.tokens.create.mutate({ name: "cli tests", scope: "admin" });
    const viewerToken = await admin.trpc.admin.tokens.create.mutate({ name: "cli viewer", scope: "viewer" });
    adminTokenId = adminToken.id;
    adminEnv = { SLS_URL: server.baseUrl, SLS_TOKEN: adminToken.token };
    viewerEnv = { SLS_URL: server.baseUrl, SLS_TOKEN: viewerToken.token };
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    if (folder) removeTemporaryFolder(folder);
  });

  it("prints its help and each command's, and refuses bad usage with exit 2 before calling", async () => {
    const [help, commandHelp, unknown, badOption, noUrl, noToken, arity, badUrl] = await Promise.all([
      sls(["--help"]),
      sls(["settings", "set", "--help"]),
      sls(["frobnicate"]),
      sls(["participants", "--colour"], { env: adminEnv }),
      sls(["status"], { env: { SLS_TOKEN: "x" } }),
      sls(["status", "--url", server.baseUrl]),
      sls(["participant"], { env: adminEnv }),
      sls(["status", "--url", "ftp://example.net", "--token", "x"]),
    ]);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/^usage: sls .*\n[\s\S]*exit codes:/);
    expect(commandHelp.stdout).toMatch(/^usage: sls settings set KEY VALUE\n[\s\S]*poolSize/);
    expectUsage(unknown, /unknown command: frobnicate/);
    expectUsage(badOption, /Unknown option '--colour'/);
    expectUsage(noUrl, /no server: give --url URL or set SLS_URL/);
    expectUsage(noToken, /no API token/);
    expectUsage(arity, /participant takes SERIAL; got none/);
    expectUsage(badUrl, /--url: must start with http/);
  });

  it("exits 3 when no server answers, and 1 with the server's reason when the token is wrong", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await sls(["status", "--url", closed, "--token", "sls_tok_x"]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`no answer from a Shared License Server at ${closed}`);
    expectRefused(await sls(["status", "--url", server.baseUrl, "--token", "sls_tok_wrong"]), "BAD_API_TOKEN");
  });

  it("status", async () => {
    const [shown, overview] = await Promise.all([text(["status"]), json(["status"])]);
    expect(shown).toMatch(/Pool\s+500 sessions: 400 granted \(80 %\), 100 available/);
    expect(overview.pool).toMatchObject({ poolSize: 500, granted: 400 });
    expect(overview.participants).toMatchObject({ total: 6, awaitingApproval: 2 });
  });

  it("participants with the console's filters, and participant SERIAL", async () => {
    const [listed, page, badState, badSize, one, oneJson, unknown] = await Promise.all([
      text(["participants", "--state", "awaiting-approval"]),
      json(["participants", "--sort", "serial", "--desc", "--search", "fw"]),
      sls(["participants", "--state", "asleep"], { env: adminEnv }),
      sls(["participants", "--page-size", "5"], { env: adminEnv }),
      text(["participant", "FW01"]),
      json(["participant", "FW01"]),
      sls(["participant", "NOPE01"], { env: adminEnv }),
    ]);
    expect(listed).toMatch(/^SERIAL\s+HOSTNAME.*\nNEW01\s.*\nNEW02\s.*\npage 1 of 1, 2 participants\n$/);
    expect(page.rows.map((p: { serial: string }) => p.serial)).toEqual(["FW04", "FW03", "FW02", "FW01"]);
    expectUsage(badState, /--state: /);
    expectUsage(badSize, /--page-size: /);
    expect(one).toMatch(/Serial\s+FW01\n[\s\S]*Granted\s+100\n/);
    expect(oneJson.participant).toMatchObject({ serial: "FW01", granted: 100 });
    expectRefused(unknown, "NOT_FOUND");
  });

  it("approve, release and remove", async () => {
    expect(await text(["approve", "NEW01"])).toBe("Approved NEW01.\n");
    expect(await json(["approve", "NEW02"])).toEqual({ serial: "NEW02" });
    expect(await text(["release", "FW01"])).toBe("Released FW01: 100 sessions taken back, 0 pending dropped.\n");
    expect(await json(["release", "FW02"])).toEqual({ freed: 100, withdrawn: 0 });
    expect(await text(["remove", "FW01"])).toBe("Removed FW01: 0 sessions taken back, 0 pending dropped.\n");
    expect(await json(["remove", "FW03"])).toEqual({ freed: 100, withdrawn: 0 });
    expectRefused(await sls(["release", "FW02"], { env: viewerEnv }), "ADMIN_ONLY");
  });

  it("settings get and set", async () => {
    const [shown, settings] = await Promise.all([text(["settings", "get"]), json(["settings", "get"])]);
    expect(shown).toMatch(/refreshIntervalSec\s+30\n[\s\S]*approvalRequired\s+true/);
    expect(settings).toMatchObject({ poolSize: 500, approvalRequired: true });
    expect(await text(["settings", "set", "poolSize", "600"])).toMatch(/^Set poolSize\.\n[\s\S]*poolSize\s+600 /);
    expect(await json(["settings", "set", "approvalRequired", "false"])).toMatchObject({
      approvalRequired: false,
      enabled: true,
      alertThresholdPct: 80,
    });
    expect(await json(["settings", "set", "backup", "backup.example.net:3000,BACKUP01"])).toMatchObject({
      backup: { address: "http://backup.example.net:3000", serial: "BACKUP01", peerSerial: null },
    });
    expect(await json(["settings", "set", "backup", "none"])).toMatchObject({ backup: null });
    const refusals = await Promise.all([
      sls(["settings", "set", "colour", "blue"], { env: adminEnv }),
      sls(["settings", "set", "poolSize", "lots"], { env: adminEnv }),
      sls(["settings", "set", "enabled", "maybe"], { env: adminEnv }),
      sls(["settings", "set", "poolSize", "10"], { env: adminEnv }),
      sls(["settings", "set", "poolSize", "700"], { env: viewerEnv }),
    ]);
    expectUsage(refusals[0]!, /KEY: "colour" is not a setting/);
    expectUsage(refusals[1]!, /poolSize: must be a whole number/);
    expectUsage(refusals[2]!, /enabled: must be true or false/);
    expectRefused(refusals[3]!, "POOL_BELOW_GRANTED");
    expectRefused(refusals[4]!, "ADMIN_ONLY");
    expect((await json(["settings", "get"])).poolSize).toBe(600);
  });

  it("secret rotate reads the secret from standard input only", async () => {
    expect(await text(["secret", "rotate"], "a-brand-new-secret-1\n")).toBe("Shared secret changed.\n");
    expect(await json(["secret", "rotate"], "another-new-secret-2")).toEqual({ ok: true });
    const registered = await server.api().appliance.register.mutate({
      secret: "another-new-secret-2",
      serial: "FW09",
      hostname: "fw09.example.net",
      model: "ASA5585-X",
      platformLimit: 1000,
      localLimit: 100,
    });
    expect(registered.token).toBeTruthy();
    expectUsage(await sls(["secret", "rotate", "on-the-command-line"], { env: adminEnv }), /takes no arguments/);
    expectUsage(await sls(["secret", "rotate"], { env: adminEnv, stdin: "" }), /standard input, which was empty/);
    expectUsage(await sls(["secret", "rotate"], { env: adminEnv, stdin: "short" }), /the new secret: must be at least/);
  });

  it("audit with --since, --type and --csv names the token behind each change", async () => {
    const actor = `admin:root via API token cli tests (${adminTokenId})`;
    const listed = await text(["audit", "--type", "admin.pool-size", "--since", "1h"]);
    expect(listed).toContain(actor);
    const page = await json(["audit", "--type", "admin.approve", "--type", "admin.remove"]);
    expect(page.rows.map((r: { type: string; actor: string }) => [r.type, r.actor])).toEqual(
      expect.arrayContaining([
        ["admin.approve", actor],
        ["admin.remove", actor],
      ]),
    );
    const csv = await text(["audit", "--csv", "--type", "admin.secret"]);
    expect(csv.split("\n")[0]).toMatch(/^id,at,type,actor/);
    expect(csv.match(/admin\.secret/g)).toHaveLength(2);
    expect((await json(["audit", "--csv", "--type", "admin.secret"])).rows).toBe(2);
    const future = await json(["audit", "--since", new Date(Date.now() + 3_600_000).toISOString()]);
    expect(future.total).toBe(0);
    expectUsage(await sls(["audit", "--type", "nonsense"], { env: adminEnv }), /--type/);
    expectUsage(await sls(["audit", "--since", "yesterday"], { env: adminEnv }), /--since: give an ISO 8601 time/);
  });

  it("capacity and alerts", async () => {
    const [week, month, refused, alerts, alertList] = await Promise.all([
      text(["capacity", "--days", "7"]),
      json(["capacity"]),
      sls(["capacity", "--days", "5"], { env: adminEnv }),
      text(["alerts"]),
      json(["alerts"]),
    ]);
    expect(week).toMatch(/^Period\s+7 days/);
    expect(month).toMatchObject({ days: 30, daily: expect.any(Array) });
    expectRefused(refused, "INVALID_INPUT");
    expect(alerts).toMatch(/^(\(none\)|RAISED\s+SEVERITY)/);
    expect(Array.isArray(alertList)).toBe(true);
  });

  it("tokens list, create and revoke", async () => {
    const created = await text(["tokens", "create", "nightly report", "--scope", "viewer", "--expires", "30d"]);
    const token = /\n(sls_tok_[\w-]{43})\n$/.exec(created)?.[1];
    expect(created).toMatch(/^Created viewer token nightly report \(tok_[0-9a-f]{32}\), expires /);
    expect(token).toBeTruthy();
    const asJson = await json(["tokens", "create", "deploy", "--scope", "admin"]);
    expect(asJson).toMatchObject({ name: "deploy", scope: "admin", state: "active", expiresAt: null });
    expect(asJson.token).toMatch(/^sls_tok_/);
    const listed = await text(["tokens"]);
    expect(listed).toMatch(/^ID\s+NAME\s+SCOPE\s+STATE/);
    expect(listed).toContain("nightly report");
    expect(listed).not.toContain(token!);
    expect(await text(["tokens", "list"])).toBe(listed);
    const nightly = await sls(["status"], { env: { SLS_URL: server.baseUrl, SLS_TOKEN: token! } });
    expect(nightly.code).toBe(0);
    expect(await text(["tokens", "revoke", asJson.id])).toBe(`Revoked token deploy (${asJson.id}).\n`);
    const { tokens } = await json(["tokens", "list"]);
    expect(tokens.find((t: { id: string }) => t.id === asJson.id)).toMatchObject({ state: "revoked" });
    expect((await json(["tokens", "revoke", asJson.id])).state).toBe("revoked");
    expectRefused(
      await sls(["status"], { env: { SLS_URL: server.baseUrl, SLS_TOKEN: asJson.token } }),
      "API_TOKEN_REVOKED",
    );
    expectUsage(await sls(["tokens", "create", "x", "--scope", "root"], { env: adminEnv }), /--scope: /);
    expectUsage(await sls(["tokens", "create", "x", "--expires", "soon"], { env: adminEnv }), /--expires: /);
    expectRefused(await sls(["tokens", "list"], { env: viewerEnv }), "ADMIN_ONLY");
  });

  it("policy get, preview FILE and save FILE", async () => {
    expect(await text(["policy", "get"])).toMatch(/^Version\s+none saved/);
    const file = path.join(folder, "policy.json");
    const definition = {
      groups: [{ name: "core", reserve: 100, max: null, priority: 10, paused: false, serials: ["FW02"], patterns: [] }],
      poolPaused: false,
      caps: {},
    };
    writeFileSync(file, JSON.stringify(definition));
    expect(await text(["policy", "preview", file])).toMatch(/^GROUP\s+MEMBERS[\s\S]*\ncore\s+1\s/);
    expect((await json(["policy", "preview", file])).groups.map((g: { name: string }) => g.name)).toEqual([
      "core",
      "default",
    ]);
    expect(await text(["policy", "save", file])).toMatch(/^Saved policy version 1\.\n/);
    const policy = await json(["policy", "get"]);
    expect(policy).toMatchObject({ version: 1, definition });
    writeFileSync(file, JSON.stringify(policy));
    expect((await json(["policy", "save", "-"], JSON.stringify(policy))).version).toBe(2);
    expect(await text(["policy", "get"])).toMatch(/^Version\s+2\n[\s\S]*\ncore\s+100\s/);
    writeFileSync(file, "{ not json");
    expectUsage(await sls(["policy", "save", file], { env: adminEnv }), /is not JSON/);
    writeFileSync(file, JSON.stringify({ ...definition, groups: [{ ...definition.groups[0], reserve: 10_000 }] }));
    expectRefused(await sls(["policy", "save", file], { env: adminEnv }), "RESERVE_OUT_OF_RANGE");
    expectRefused(await sls(["policy", "preview", file], { env: viewerEnv }), "ADMIN_ONLY");
  });
});
