// The deployable archive (`npm run package`), as an operator uses it: built, unpacked into an
// empty temporary folder outside the checkout, started with `node server.js` from there with
// nothing but the documented environment (no NODE_PATH, no pnpm, no TypeScript loader), then an
// appliance registers and draws sessions over HTTP, the console page loads, and SIGTERM stops it
// with exit code 0. `npm test` runs it after the build, on the supported Node.js (24): the archive
// is built on it and runs on it, and refuses the machine's older Node.js where there is one.
// Only node: modules, like scripts/*.mjs.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { NODE_VERSION } from "./lib/node.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(path.join(ROOT, "apps", "web", "package.json"), "utf8"));
const SECRET = "package-test-secret-0123456789";
const POOL_SIZE = 1000;
const READY_TIMEOUT_MS = 30_000;
const NODE_LINE = NODE_VERSION.split(".")[0];

const temp = mkdtempSync(path.join(os.tmpdir(), "sls-package-test-"));
const top = path.join(temp, "unpacked", `sls-server-${version}`);
let archive;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Every file and link under `dir`, relative to it. */
function listing(dir, rel = "") {
  const out = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const file = path.join(rel, entry.name);
    out.push({ file, link: entry.isSymbolicLink(), dir: entry.isDirectory() });
    if (entry.isDirectory()) out.push(...listing(dir, file));
  }
  return out;
}

async function call(base, procedure, input, token) {
  const response = await fetch(`${base}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = await response.json();
  assert.equal(response.status, 200, `${procedure} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.result.data;
}

before(() => {
  // The archive runs below on this process's Node.js: the supported one (`npm test` runs this on it).
  assert.equal(
    process.versions.node.split(".")[0],
    NODE_LINE,
    `run this test on Node.js ${NODE_LINE} (npm test does), not ${process.version}`,
  );
  // Through with-tools, as `npm run package` runs it (`node` there is the supported Node.js): the
  // build is turbo's, cached after npm test's build.
  const built = spawnSync(
    process.execPath,
    [path.join(ROOT, "scripts", "with-tools.mjs"), "node", "scripts/package.mjs", "--out", temp],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(built.status, 0, `npm run package failed:\n${built.stdout}\n${built.stderr}`);
  archive = path.join(temp, `sls-server-${version}.tar.gz`);
  assert.ok(existsSync(archive), `no ${archive}; it printed:\n${built.stdout}`);
  assert.match(built.stdout, new RegExp(`${archive.replaceAll(".", "\\.")} \\(\\d+\\.\\d MB\\)`));
  const unpacked = path.join(temp, "unpacked");
  mkdirSync(unpacked);
  const tar = spawnSync("tar", ["-xzf", archive, "-C", unpacked], { encoding: "utf8" });
  assert.equal(tar.status, 0, tar.stderr);
});

after(() => rmSync(temp, { recursive: true, force: true }));

test("the archive holds one top folder with the built server, the console and the migrations only", () => {
  assert.deepEqual(readdirSync(path.join(temp, "unpacked")), [`sls-server-${version}`]);
  const files = listing(top);
  const names = new Set(files.map((f) => f.file));
  for (const needed of [
    "server.js",
    "bin/sls-server",
    "package.json",
    "apps/web/dist/server.js",
    "apps/web/.next/BUILD_ID",
    "apps/web/.next/static",
    "node_modules/better-sqlite3/build/Release/better_sqlite3.node",
    "prisma/migrations/migration_lock.toml",
    "prisma/postgres/migrations",
    "deploy/sls-server.service",
    "deploy/sls-server.env.example",
  ])
    assert.ok(names.has(needed), `the archive has no ${needed}`);
  const sources = files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f.file) && !/\.d\.[mc]?ts$/.test(f.file));
  assert.deepEqual(
    sources.map((f) => f.file),
    [],
    "TypeScript sources in the archive",
  );
  // No test kit, workspace package, TypeScript loader or build tool: only what runs.
  const packages = new Set(
    files.map((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/.@][^/]*)$/.exec(f.file)?.[1]).filter(Boolean),
  );
  const development = ["typescript", "tsx", "esbuild", "vitest", "@playwright/test", "playwright", "prisma", "turbo"];
  const tooling = [...packages].filter((name) => development.includes(name) || /^@(sls|types|biomejs)\//.test(name));
  assert.deepEqual(tooling, [], "development packages in the archive");
  assert.ok(packages.has("next") && packages.has("better-sqlite3"), `packages found: ${[...packages].join(", ")}`);
  assert.ok(!files.some((f) => f.file.includes("test/kit")), "the test kit is in the archive");
});

test(`the archive is built for Node.js ${NODE_LINE}, and another Node.js line refuses to start it`, (t) => {
  const { engines, sls } = JSON.parse(readFileSync(path.join(top, "package.json"), "utf8"));
  assert.deepEqual(
    { engines, sls },
    {
      engines: { node: `${NODE_LINE}.x` },
      sls: { node: process.version, nodeLine: NODE_LINE, nodeModuleVersion: process.versions.modules },
    },
  );
  // The machine's own Node.js, where it is of an older line (these machines' Node 20).
  const older = ["/usr/bin/node", "/usr/local/bin/node"].find((bin) => {
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout?.trim();
    return version && Number(version.slice(1).split(".")[0]) < Number(NODE_LINE);
  });
  if (!older) return t.skip("no Node.js of an older line on this machine");
  const refused = spawnSync(older, ["server.js"], { cwd: top, encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  assert.equal(refused.status, 1, `${refused.stdout}${refused.stderr}`);
  assert.match(
    refused.stderr,
    new RegExp(`built for Node\\.js ${NODE_LINE}\\.x \\(${process.version.replaceAll(".", "\\.")}\\)`),
  );
});

test("no file or link in the archive reaches back into the checkout", () => {
  const needle = Buffer.from(ROOT);
  for (const { file, link, dir } of listing(top)) {
    const full = path.join(top, file);
    if (link) {
      const target = readlinkSync(full);
      assert.ok(!path.isAbsolute(target), `${file} links to the absolute ${target}`);
      assert.ok(path.resolve(path.dirname(full), target).startsWith(`${top}/`), `${file} links outside: ${target}`);
    } else if (!dir) assert.ok(!readFileSync(full).includes(needle), `${file} names ${ROOT}`);
  }
});

test("unpacked elsewhere, node server.js serves the API and the console, and stops on SIGTERM", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, ["server.js"], {
    cwd: top,
    // The documented variables and nothing of this checkout: no NODE_PATH, no PATH into it.
    env: {
      PATH: "/usr/bin:/bin",
      HOME: temp,
      TMPDIR: temp,
      PORT: String(port),
      DATABASE_URL: `file:${path.join(temp, "state", "sls.db")}`,
      SLS_POOL_SIZE: String(POOL_SIZE),
      SLS_SHARED_SECRET: SECRET,
      SLS_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  try {
    for (;;) {
      if (child.exitCode !== null) assert.fail(`the server exited with ${child.exitCode}:\n${log}`);
      if (performance.now() - started > READY_TIMEOUT_MS)
        assert.fail(`not ready after ${READY_TIMEOUT_MS} ms:\n${log}`);
      const ready = await fetch(`${base}/api/ready`).catch(() => null);
      if (ready?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyMs = Math.round(performance.now() - started);
    assert.match(log, /applied migration 20261127205153_init/, "the migrations were not applied at start");

    const registered = await call(base, "appliance.register", {
      secret: SECRET,
      serial: "PKG-TEST-1",
      hostname: "asa-1.example.net",
      model: "ASA5555",
      platformLimit: 500,
      localLimit: 0,
    });
    assert.equal(registered.role, "participant");
    assert.equal(registered.granted, 0);
    const first = await call(base, "appliance.request", { sessions: 50, requestId: "r-1" }, registered.token);
    assert.deepEqual([first.granted, first.added, first.pending], [50, 50, 0]);
    const second = await call(base, "appliance.request", { sessions: 100, requestId: "r-2" }, registered.token);
    assert.deepEqual([second.granted, second.added, second.pending], [150, 100, 0]);

    const page = await fetch(`${base}/login`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    assert.match(html, /^<!DOCTYPE html>/);
    const asset = /\/_next\/static\/[^"]+\.(css|js)/.exec(html)?.[0];
    assert.ok(asset, "the console page names no static asset");
    assert.equal((await fetch(`${base}${asset}`)).status, 200, `${asset} is not served`);

    const rss = Number(readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
    console.log(`# ready after ${readyMs} ms; ${Math.round(rss)} MB resident after these calls`);
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const { code, signal } = await exited;
  clearTimeout(timeout);
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, `stopped badly:\n${log}`);
  assert.match(log, /"stopping","signal":"SIGTERM"/);
});
