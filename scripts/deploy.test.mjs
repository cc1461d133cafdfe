// The service files of deploy/: the systemd unit and the example environment file.
//
// `node --test scripts/deploy.test.mjs` (a phase of `npm test`, a second or two). It runs
// `systemd-analyze verify` and its offline security review on the unit where that command exists
// (Debian's systemd package) and skips them, saying so, where it does not; it checks the unit's
// settings against the server's own limits, and the environment file's names against the one
// list of variables the server reads (docs/configuration.md, generated from
// packages/server/src/env.ts and checked against it by packages/server/test/docs-tables.test.ts).
// Plain node:test, like scripts/commands.test.mjs: nothing here needs the workspace installed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (rel) => readFileSync(path.join(ROOT, rel), "utf8");
const UNIT_FILE = "deploy/sls-server.service";
const ENV_EXAMPLE = "deploy/sls-server.env.example";
const UNIT_TEXT = read(UNIT_FILE);

/** The unit's settings: section → [[key, value]] in file order (a key may repeat). */
function parseUnit(text) {
  const sections = new Map();
  let current = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1];
      sections.set(current, sections.get(current) ?? []);
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(current && eq > 0, `${UNIT_FILE}: "${line}" is not key=value inside a section`);
    sections.get(current).push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return sections;
}

const UNIT = parseUnit(UNIT_TEXT);
const service = UNIT.get("Service") ?? [];
/** The last value of a [Service] key (systemd's rule for single-valued keys), or undefined. */
const setting = (key) => service.findLast(([k]) => k === key)?.[1];
/** Every value of a [Service] key, in order. */
const settings = (key) => service.filter(([k]) => k === key).map(([, v]) => v);

/** NAME → value of the unit's Environment= lines (one assignment per line here). */
const unitEnvironment = new Map(
  settings("Environment").map((assignment) => {
    const eq = assignment.indexOf("=");
    return [assignment.slice(0, eq), assignment.slice(eq + 1)];
  }),
);

/** The variables the server reads: the names of docs/configuration.md's generated table. */
function knownVariables() {
  const page = read("docs/configuration.md");
  const table = page.slice(page.indexOf("<!-- generated"), page.indexOf("<!-- end generated -->"));
  const names = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
  assert.ok(names.length > 10, "docs/configuration.md: no generated table of variables found");
  return new Set(names);
}
const KNOWN = knownVariables();

/** A number from a TypeScript source, e.g. `requestTimeoutMs: 30_000`, so the unit follows the code. */
function constantIn(rel, pattern) {
  const m = pattern.exec(read(rel));
  assert.ok(m, `${rel}: ${pattern} not found; update scripts/deploy.test.mjs to where the value now lives`);
  return Number(m[1].replaceAll("_", ""));
}

/** systemd time span ("100s", "1min 30s", "90") in ms. */
function timespanMs(text) {
  const units = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)\s*([a-z]*)/g)) total += Number(m[1]) * (units[m[2] || "s"] ?? Number.NaN);
  return total;
}

describe(UNIT_FILE, () => {
  const NODE = "/usr/local/bin/node";
  const exec = setting("ExecStart") ?? "";
  const stateDir = `/var/lib/${setting("StateDirectory")}`;

  test("runs the archive's server.js with Node.js from /usr/local/bin, from the `current` link", () => {
    assert.equal(setting("WorkingDirectory"), "/opt/sls-server/current");
    assert.equal(exec, `${NODE} /opt/sls-server/current/server.js`);
    assert.equal(setting("Type"), "exec", "Type=exec: a missing Node.js fails `systemctl start` itself");
  });

  test("keeps its data in the state folder, under its own user, reading the operator's environment file", () => {
    assert.equal(setting("StateDirectory"), "sls-server");
    assert.equal(setting("User"), "sls");
    assert.equal(
      setting("EnvironmentFile"),
      "/etc/sls-server/sls-server.env",
      "without '-': a missing file fails the start",
    );
    assert.equal(unitEnvironment.get("DATABASE_URL"), `file:${stateDir}/sls.db`);
    assert.equal(unitEnvironment.get("SLS_DATA_DIR"), stateDir);
    for (const name of unitEnvironment.keys())
      assert.ok(KNOWN.has(name) || name === "NODE_ENV", `Environment=${name}: the server reads no such variable`);
  });

  test("every variable ExecStart refers to is set by the unit or the environment file", () => {
    const example = exampleVariables();
    for (const [, name] of exec.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
      assert.ok(unitEnvironment.has(name) || example.active.has(name), `ExecStart uses $${name}, which nothing sets`);
  });

  test("restarts after a failure, but not after a refused configuration (exit status 2)", () => {
    assert.equal(setting("Restart"), "on-failure");
    assert.equal(setting("RestartPreventExitStatus"), "2");
    assert.match(
      read("packages/server/src/run.ts"),
      /process\.exit\(2\)/,
      "run.ts no longer exits 2 on a bad environment",
    );
  });

  test("gives the graceful stop on SIGTERM the time it may take", () => {
    assert.equal(setting("KillSignal"), "SIGTERM");
    const requestTimeout = constantIn("packages/server/src/http/app-server.ts", /requestTimeoutMs:\s*([\d_]+)/);
    const callDeadline = constantIn(
      "packages/server/src/services/pool/pool-queue.ts",
      /DEFAULT_CALL_DEADLINE_MS\s*=\s*([\d_]+)/,
    );
    const needed = requestTimeout + callDeadline + 10_000; // and the final writes
    const given = timespanMs(setting("TimeoutStopSec") ?? "");
    assert.ok(given >= needed, `TimeoutStopSec is ${given} ms; a stop may take ${needed} ms`);
  });

  test("allows the connections both listeners may hold", () => {
    const perListener = constantIn("packages/server/src/http/app-server.ts", /maxConnections:\s*([\d_]+)/);
    const limit = Number(setting("LimitNOFILE"));
    assert.ok(limit >= 2 * perListener + 1000, `LimitNOFILE=${limit} is below 2 × ${perListener} connections`);
  });

  test("takes the hardening systemd offers that Node.js and the server tolerate", () => {
    const expected = {
      NoNewPrivileges: "yes",
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      PrivateDevices: "yes",
      ProtectKernelTunables: "yes",
      ProtectKernelModules: "yes",
      ProtectKernelLogs: "yes",
      ProtectControlGroups: "yes",
      RestrictAddressFamilies: "AF_INET AF_INET6 AF_UNIX AF_NETLINK",
      SystemCallFilter: "@system-service",
      CapabilityBoundingSet: "",
      AmbientCapabilities: "",
      UMask: "0077",
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(setting(key), value, key);
    // V8's JIT writes the machine code it then runs: the process would die at its first compile.
    assert.equal(setting("MemoryDenyWriteExecute"), undefined, "MemoryDenyWriteExecute must not be set");
  });

  // systemd-analyze verify checks that ExecStart's program exists and is executable, and Node.js
  // 24 is not at /usr/local/bin/node on a development or CI machine. So it verifies a copy of the
  // unit in a temporary folder in which only that path is changed, to a link to the Node.js running
  // this test: every directive verified is the real unit's.
  const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  const noAnalyze =
    analyze.error || analyze.status !== 0
      ? "systemd-analyze is not installed here (Debian's systemd package): the unit is not verified"
      : false;
  const scratch = mkdtempSync(path.join(os.tmpdir(), "sls-deploy-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** Writes the unit (with `extra` lines appended to [Service]) as a checkable copy; its path. */
  function copyOfUnit(name, extra = "") {
    const dir = path.join(scratch, name);
    const node = path.join(dir, "node");
    mkdirSync(dir);
    symlinkSync(process.execPath, node);
    const copy = UNIT_TEXT.replace(`ExecStart=${NODE} `, `ExecStart=${node} `).replace(
      "\n[Install]",
      `${extra}\n[Install]`,
    );
    const changed = copy.split("\n").filter((line, i) => line !== UNIT_TEXT.split("\n")[i]);
    assert.ok(extra || changed.length === 1, `expected only ExecStart to change, got:\n${changed.join("\n")}`);
    const file = path.join(dir, "sls-server.service");
    writeFileSync(file, copy);
    return file;
  }

  /** verify's exit status and the lines of its output that are about the unit. */
  function verify(file) {
    const run = spawnSync("systemd-analyze", ["verify", "--man=no", file], { encoding: "utf8" });
    const lines = `${run.stdout}${run.stderr}`.split("\n").filter(Boolean);
    return { status: run.status, about: lines.filter((l) => l.includes(file) || l.includes("sls-server")), lines };
  }

  test("systemd-analyze verify finds nothing to say about it", { skip: noAnalyze }, (t) => {
    const result = verify(copyOfUnit("real"));
    for (const line of result.lines.filter((l) => !result.about.includes(l)))
      t.diagnostic(`(not about the unit) ${line}`);
    assert.deepEqual(result.about, [], "systemd-analyze verify warns about the unit");
    assert.equal(result.status, 0, result.lines.join("\n"));
  });

  test("systemd-analyze verify's warnings are seen (a unit with an unknown key)", { skip: noAnalyze }, () => {
    const result = verify(copyOfUnit("broken", "\nNoSuchSetting=yes"));
    assert.ok(
      result.about.some((l) => l.includes("NoSuchSetting")),
      `no warning caught for an unknown key:\n${result.lines.join("\n")}`,
    );
  });

  test("systemd-analyze security rates its exposure 2.0 or lower", { skip: noAnalyze }, () => {
    const file = copyOfUnit("security");
    const run = spawnSync("systemd-analyze", ["security", "--offline=true", "--threshold=20", "--no-pager", file], {
      encoding: "utf8",
    });
    const rating = /Overall exposure level for sls-server\.service: ([\d.]+)/.exec(run.stdout);
    assert.ok(rating, `no rating in:\n${run.stdout}${run.stderr}`);
    assert.ok(Number(rating[1]) <= 2.0, `exposure ${rating[1]} (10 is unprotected); what it lacks:\n${run.stdout}`);
  });
});

/** The example's names: `NAME=value` lines are active, `#NAME=value` lines are offered. */
function exampleVariables() {
  const active = new Map();
  const all = [];
  const lines = read(ENV_EXAMPLE).split("\n");
  lines.forEach((line, i) => {
    const m = /^(#?)([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      all.push({ name: m[2], value: m[3], line: i, commented: m[1] === "#" });
      if (!m[1]) active.set(m[2], m[3]);
    } else {
      assert.ok(
        line === "" || line.startsWith("#"),
        `${ENV_EXAMPLE}:${i + 1}: "${line}" is neither NAME=value nor a comment`,
      );
    }
  });
  return { active, all, lines };
}

describe(ENV_EXAMPLE, () => {
  const example = exampleVariables();
  // Only tests change these (docs/configuration.md says so): an operator has no reason to.
  const TESTS_ONLY = ["SLS_LEASE_FLUSH_MS", "SLS_DAY_MS"];
  // Whoever reads these can act as the server, its backup or its metrics' reader.
  const SECRETS = ["SLS_SHARED_SECRET", "SLS_BACKUP_KEY", "SLS_METRICS_TOKEN", "DATABASE_URL"];

  test("names only variables the server reads, each once", () => {
    const names = example.all.map((v) => v.name);
    for (const name of names) assert.ok(KNOWN.has(name), `${name}: the server reads no such variable`);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
  });

  test("offers every variable an operator sets", () => {
    for (const name of TESTS_ONLY) assert.ok(KNOWN.has(name), `${name} is gone from docs/configuration.md`);
    const missing = [...KNOWN].filter((n) => !TESTS_ONLY.includes(n) && !example.all.some((v) => v.name === n));
    assert.deepEqual(missing, [], `add these to ${ENV_EXAMPLE}, or to TESTS_ONLY here if only tests set them`);
    const offered = TESTS_ONLY.filter((n) => example.all.some((v) => v.name === n));
    assert.deepEqual(offered, [], "these are for tests only");
  });

  test("marks each secret and ships none", () => {
    for (const name of SECRETS) {
      const entry = example.all.find((v) => v.name === name);
      assert.ok(entry, `${name} is missing`);
      assert.match(example.lines[entry.line - 1] ?? "", /SECRET/, `the comment line above ${name} must say SECRET`);
      if (name !== "DATABASE_URL") assert.equal(entry.value, "", `${name} must not carry a value in the example`);
    }
  });

  test("sets nothing that would differ from a server started without it", () => {
    // Active lines are the defaults, so that copying the file as it is changes nothing.
    assert.deepEqual([...example.active.keys()], ["PORT"]);
    assert.match(read("docs/configuration.md"), /\| `PORT` \| `3000` \|/);
    assert.equal(example.active.get("PORT"), "3000");
  });
});

test("docs/deployment.md names every path the unit uses", () => {
  const page = read("docs/deployment.md");
  const paths = new Set(
    [...UNIT_TEXT.matchAll(/^(?:ExecStart|WorkingDirectory|EnvironmentFile)=(.*)$/gm)].flatMap((m) =>
      m[1].split(/\s+/).filter((p) => p.startsWith("/")),
    ),
  );
  paths.add(`/var/lib/${setting("StateDirectory")}`);
  for (const p of paths) assert.ok(page.includes(p), `docs/deployment.md does not mention ${p}`);
});
