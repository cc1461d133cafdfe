// pnpm at the version the repository pins, and the workspace's dependencies: the first steps of
// `npm start`, `npm test` and `npm run bench`, on the Node.js of scripts/lib/node.mjs.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { phase } from "./phases.mjs";
import { run } from "./processes.mjs";
import { say } from "./report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PNPM_VERSION = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).packageManager.replace(
  /^pnpm@/,
  "",
);
const TOOLS = path.join(ROOT, ".tools");
const LOCAL_PNPM_DIR = path.join(TOOLS, "node_modules", ".bin");
const WORKSPACE_BIN_DIR = path.join(ROOT, "node_modules", ".bin");
const LOCKFILE = path.join(ROOT, "pnpm-lock.yaml");
/** pnpm's copy of the lockfile it last installed from. */
const INSTALLED_LOCKFILE = path.join(ROOT, "node_modules", ".pnpm", "lock.yaml");
/** The one compiled dependency: the package that loads it resolves it from here. */
const NATIVE_MODULE = "better-sqlite3";
const NATIVE_MODULE_FROM = path.join(ROOT, "packages", "db", "package.json");

const LOCAL_PNPM = path.join(LOCAL_PNPM_DIR, "pnpm");

/** The version of .tools/' pnpm, read from its package (starting pnpm costs about a second here). */
function localPnpmVersion() {
  try {
    const { version } = JSON.parse(readFileSync(path.join(TOOLS, "node_modules", "pnpm", "package.json"), "utf8"));
    return existsSync(LOCAL_PNPM) ? version : null;
  } catch {
    return null;
  }
}

/** The version of the first pnpm on PATH, or null when there is none. */
function pnpmVersionOnPath() {
  const found = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((dir) => path.join(dir || ".", "pnpm"))
    .find((file) => existsSync(file));
  if (!found) return null;
  if (found === LOCAL_PNPM) return localPnpmVersion();
  const result = spawnSync(found, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Uses pnpm from PATH when it is the pinned version, else installs that version under .tools/. */
export async function ensurePnpm() {
  const onPath = pnpmVersionOnPath();
  if (onPath === PNPM_VERSION) {
    say(`pnpm ${onPath} found on PATH`);
    return true;
  }
  say(onPath ? `pnpm on PATH is ${onPath}, this repository pins ${PNPM_VERSION}` : "pnpm is not on PATH");
  // Children (turbo, pnpm's own scripts) call plain `pnpm`: they must find this one.
  process.env.PATH = `${LOCAL_PNPM_DIR}${path.delimiter}${process.env.PATH ?? ""}`;
  if (localPnpmVersion() === PNPM_VERSION) {
    say(`using pnpm ${PNPM_VERSION} from .tools/`);
    return true;
  }
  say(`installing pnpm ${PNPM_VERSION} into .tools/ (the global npm prefix is left alone)`);
  const code = await run("npm", [
    "install",
    "--no-save",
    "--no-package-lock",
    "--prefix",
    TOOLS,
    `pnpm@${PNPM_VERSION}`,
  ]);
  if (code !== 0) return false;
  // Started once after the install: the package is there and its pnpm answers.
  const installed = spawnSync(LOCAL_PNPM, ["--version"], { encoding: "utf8" });
  return localPnpmVersion() === PNPM_VERSION && installed.stdout?.trim() === PNPM_VERSION;
}

const lockfileInstalled = () => {
  try {
    return readFileSync(INSTALLED_LOCKFILE).equals(readFileSync(LOCKFILE));
  } catch {
    return false;
  }
};

/**
 * null when better-sqlite3 loads in this Node.js and opens a database (in a child process: a
 * failed load cannot be retried in this one), else why not, such as the NODE_MODULE_VERSION of a
 * node_modules built under another Node.js.
 */
function nativeModuleProblem() {
  let entry;
  try {
    entry = createRequire(NATIVE_MODULE_FROM).resolve(NATIVE_MODULE);
  } catch {
    return `${NATIVE_MODULE} is not installed`;
  }
  const probe = `const D = require(${JSON.stringify(entry)}); new D(":memory:").close();`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  if (result.status === 0) return null;
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(result.stderr);
  if (abi) return `built for NODE_MODULE_VERSION ${abi[1]}, this Node.js needs ${abi[2]}`;
  return (result.stderr.split("\n").find((line) => /Error/.test(line)) || `exit ${result.status}`).trim();
}

/** The dependencies are installed from this lockfile, and the native module loads in this Node.js. */
export const dependenciesInstalled = () =>
  existsSync(path.join(WORKSPACE_BIN_DIR, "turbo")) && lockfileInstalled() && nativeModuleProblem() === null;

async function installDependencies() {
  if (dependenciesInstalled()) {
    say(
      `skipped: node_modules is installed from this pnpm-lock.yaml and ${NATIVE_MODULE} loads in Node.js ${process.version}`,
    );
    return true;
  }
  say(
    "linking the workspace from pnpm-lock.yaml; a cold store downloads everything and compiles better-sqlite3 (about 1.5 min)",
  );
  // Without a TTY pnpm refuses to rebuild a node_modules made with another store or layout;
  // rebuilding it is what we want.
  const install = ["install", "--frozen-lockfile", "--config.confirm-modules-purge=false"];
  if ((await run("pnpm", install, { cwd: ROOT })) !== 0) return false;
  const problem = nativeModuleProblem();
  if (problem === null) return true;
  // pnpm does not rebuild a package it linked before: a node_modules installed under another
  // Node.js (a checkout from before the move to Node 24) keeps an addon this one cannot load.
  say(`${NATIVE_MODULE} does not load in Node.js ${process.version} (${problem}): rebuilding it from source`);
  if ((await run("pnpm", ["rebuild", "--recursive", NATIVE_MODULE], { cwd: ROOT })) !== 0) return false;
  const still = nativeModuleProblem();
  if (still !== null) say(`${NATIVE_MODULE} still does not load after the rebuild: ${still}`);
  return still === null;
}

/**
 * Puts the workspace's own binaries (turbo, biome, knip, tsx) on this process's PATH, for the
 * children it starts: `npm run` does that for a root script, but not for what that script starts.
 */
export function addWorkspaceBinsToPath() {
  const entries = (process.env.PATH ?? "").split(path.delimiter);
  if (!entries.includes(WORKSPACE_BIN_DIR)) process.env.PATH = [WORKSPACE_BIN_DIR, ...entries].join(path.delimiter);
}

/** The Node.js, pnpm and the dependencies, as phases; resolves to true when they are ready. */
export async function bootstrap() {
  const node = () => {
    say(`every step below runs on ${process.execPath}`);
    return true;
  };
  return (
    (await phase(`Node.js ${process.version}`, node)) &&
    (await phase(`pnpm ${PNPM_VERSION}`, ensurePnpm)) &&
    (await phase("pnpm install", installDependencies))
  );
}
