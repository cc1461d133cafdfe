#!/usr/bin/env node
// `npm start` and `npm test`. This runs on a machine that may have only an older Node.js and npm,
// before any dependency is installed, so it imports nothing but node: modules and scripts/lib; on
// an older Node.js it first runs itself again on the supported one (scripts/lib/node.mjs).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrap } from "./lib/bootstrap.mjs";
import { describeNode, ensureSupportedNode } from "./lib/node.mjs";
import { phase, results, skip } from "./lib/phases.mjs";
import { exitCodeOfSignal, forwardSignalsToSteps, interruption, run, serve } from "./lib/processes.mjs";
import { banner, formatDuration, loudNotice, printSummary, say } from "./lib/report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
// Keep turbo and Next.js from announcing and sending telemetry (the network here is closed anyway).
process.env.TURBO_TELEMETRY_DISABLED ??= "1";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const CHROMIUM = "/usr/bin/chromium";
const DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

const BUILD_WEB = ["turbo", "run", "build", "--filter=@sls/web..."];

async function ensureChromium() {
  if (existsSync(CHROMIUM)) {
    say(`${CHROMIUM} is present`);
    return true;
  }
  if (process.getuid?.() !== 0) {
    say(`Chromium is missing at ${CHROMIUM} and this is not root.`);
    say("Install Debian's Chromium once, then run the tests again:  sudo apt-get install -y chromium");
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env });
  if ((await install()) !== 0) {
    say("install failed; refreshing the package lists and trying once more");
    if ((await run("apt-get", ["update"], { env })) !== 0 || (await install()) !== 0) return false;
  }
  return existsSync(CHROMIUM);
}

function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable URL>";
  }
}

/** Resolves to null when a connection and `select 1` succeed, else to the reason. */
async function postgresProblem(url) {
  let pg;
  try {
    pg = createRequire(path.join(ROOT, "packages", "db", "package.json"))("pg");
  } catch {
    const ready = spawnSync("pg_isready", ["-d", url, "-t", "3"], { encoding: "utf8" });
    if (ready.error) return "neither the pg package nor pg_isready is available to check it";
    return ready.status === 0 ? null : (ready.stdout || ready.stderr).trim();
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (err) {
    return err.message || err.code || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkPostgres() {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const problem = await postgresProblem(url);
  if (problem === null) {
    say(`PostgreSQL reachable at ${redact(url)}; each integration test file creates its own database there`);
    process.env.TEST_DATABASE_URL = url;
    delete process.env.SLS_SKIP_PG;
    return true;
  }
  if (process.env.CI) {
    say(`PostgreSQL is not reachable at ${redact(url)}: ${problem}`);
    say("CI is set, so the PostgreSQL suites may not be skipped. Start PostgreSQL or set TEST_DATABASE_URL.");
    return false;
  }
  loudNotice([
    `PostgreSQL is NOT reachable at ${redact(url)}`,
    `(${problem})`,
    "The PostgreSQL integration suites will be SKIPPED (SLS_SKIP_PG=1).",
    "Start PostgreSQL or set TEST_DATABASE_URL to run them; with CI=1 this is an error.",
  ]);
  process.env.SLS_SKIP_PG = "1";
  return { status: "warn", note: "unreachable, PostgreSQL suites skipped" };
}

async function start() {
  const startedAt = performance.now();
  const ok =
    (await bootstrap()) &&
    (await phase("build @sls/web and its dependencies", async () => (await run("pnpm", BUILD_WEB)) === 0));
  if (!ok) {
    const failed = results.find((r) => r.status === "fail");
    say(`✘ npm start stopped: step "${failed?.name}" failed after ${formatDuration(performance.now() - startedAt)}`);
    process.exit(interruption() ? exitCodeOfSignal(interruption()) : 1);
  }
  banner(`start @sls/web (ready after ${formatDuration(performance.now() - startedAt)} of preparation)`);
  say(`listening on PORT=${process.env.PORT || "3000"}; Ctrl-C stops it`);
  // The server runs as a child of this script, not through pnpm: on Ctrl-C pnpm reports its script
  // as failed ("ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL") although the server stopped cleanly. It runs
  // the build's JavaScript (server.ts bundled into dist/server.js), with no TypeScript loader.
  await serve(process.execPath, ["dist/server.js"], {
    cwd: path.join(ROOT, "apps", "web"),
    env: { ...process.env, NODE_ENV: "production" },
  });
}

async function test() {
  const startedAt = performance.now();
  const ready =
    (await bootstrap()) && (await phase("chromium", ensureChromium)) && (await phase("postgresql", checkPostgres));
  if (ready) {
    // The static checks do not stop the tests: one run reports every kind of failure.
    await phase(
      "type-check every package, tests included (npm run typecheck)",
      async () => (await run("pnpm", ["run", "typecheck"])) === 0,
    );
    await phase("lint and format check (npm run lint)", async () => (await run("pnpm", ["run", "lint"])) === 0);
    await phase(
      "unused files, exports and dependencies (npm run knip)",
      async () => (await run("pnpm", ["run", "knip"])) === 0,
    );
    await phase(
      "documented commands start without pnpm on the PATH (scripts/commands.test.mjs)",
      async (onLine) => (await run(process.execPath, ["--test", "scripts/commands.test.mjs"], { onLine })) === 0,
    );
    await phase(
      "the service unit and its environment file (scripts/deploy.test.mjs)",
      async (onLine) => (await run(process.execPath, ["--test", "scripts/deploy.test.mjs"], { onLine })) === 0,
    );
    // Loose env mode: turbo's strict default would strip TEST_DATABASE_URL and SLS_SKIP_PG from
    // the vitest processes. One package at a time: on 2 cores, packages side by side saved ~10 %
    // but made the PostgreSQL race test and the participant's timing tests fail now and then.
    await phase(
      "unit + integration tests (turbo run test)",
      async (onLine) =>
        (await run("pnpm", ["turbo", "run", "test", "--env-mode=loose", "--concurrency=1"], { onLine })) === 0,
    );
    const built = await phase("build @sls/web and its dependencies", async () => (await run("pnpm", BUILD_WEB)) === 0);
    if (built) {
      await phase(
        "the deployable archive, unpacked and started (scripts/package.test.mjs)",
        async (onLine) => (await run(process.execPath, ["--test", "scripts/package.test.mjs"], { onLine })) === 0,
      );
      await phase(
        "browser tests (playwright)",
        async (onLine) => (await run("pnpm", ["--filter", "@sls/e2e", "e2e"], { onLine })) === 0,
      );
    } else {
      const why = interruption() ? `stopped by ${interruption()}` : "the build failed";
      skip("the deployable archive", why);
      skip("browser tests (playwright)", why);
    }
  } else {
    skip("tests, build and browser tests", interruption() ? `stopped by ${interruption()}` : "preparation failed");
  }
  const failed = printSummary(results, performance.now() - startedAt);
  process.exit(interruption() ? exitCodeOfSignal(interruption()) : failed ? 1 : 0);
}

const USAGE = [
  "usage: node scripts/sls.mjs start|test   (npm start, npm test)",
  "  start  installs pnpm and the dependencies, builds the console and serves UI and API",
  "  test   installs what is missing, then every check and test; see CONTRIBUTING.md",
];

await ensureSupportedNode();
forwardSignalsToSteps();
const command = process.argv[2];
if (process.argv.includes("--help")) {
  // Loading this far proves the script and scripts/lib resolve: how the documented-commands test
  // checks `npm start` and `npm test` without a build or a test run.
  for (const line of USAGE) say(line);
  say(`on Node.js ${describeNode()}`);
  process.exit(0);
} else if (command === "start") await start();
else if (command === "test") await test();
else {
  for (const line of USAGE) say(line);
  process.exit(2);
}
