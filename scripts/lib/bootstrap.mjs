// pnpm at the version the repository pins, and the workspace's dependencies: the first steps of
// `npm start`, `npm test` and `npm run bench` on a machine that has only Node 20 and npm.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

function pnpmVersion(bin) {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Uses pnpm from PATH when it is the pinned version, else installs that version under .tools/. */
export async function ensurePnpm() {
  const onPath = pnpmVersion("pnpm");
  if (onPath === PNPM_VERSION) {
    say(`pnpm ${onPath} found on PATH`);
    return true;
  }
  say(onPath ? `pnpm on PATH is ${onPath}, this repository pins ${PNPM_VERSION}` : "pnpm is not on PATH");
  // Children (turbo, pnpm's own scripts) call plain `pnpm`: they must find this one.
  process.env.PATH = `${LOCAL_PNPM_DIR}${path.delimiter}${process.env.PATH ?? ""}`;
  const local = path.join(LOCAL_PNPM_DIR, "pnpm");
  if (pnpmVersion(local) === PNPM_VERSION) {
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
  return code === 0 && pnpmVersion(local) === PNPM_VERSION;
}

async function installDependencies() {
  say(
    "linking the workspace from pnpm-lock.yaml; a cold store downloads everything and compiles better-sqlite3 (about 1.5 min)",
  );
  // Without a TTY pnpm refuses to rebuild a node_modules made with another store or layout;
  // rebuilding it is what we want.
  return (
    (await run("pnpm", ["install", "--frozen-lockfile", "--config.confirm-modules-purge=false"], { cwd: ROOT })) === 0
  );
}

/**
 * Puts the workspace's own binaries (turbo, biome, knip, tsx) on this process's PATH, for the
 * children it starts: `npm run` does that for a root script, but not for what that script starts.
 */
export function addWorkspaceBinsToPath() {
  const entries = (process.env.PATH ?? "").split(path.delimiter);
  if (!entries.includes(WORKSPACE_BIN_DIR)) process.env.PATH = [WORKSPACE_BIN_DIR, ...entries].join(path.delimiter);
}

export const dependenciesInstalled = () => existsSync(path.join(WORKSPACE_BIN_DIR, "turbo"));

/** Both, as two phases; resolves to true when pnpm and the dependencies are ready. */
export async function bootstrap() {
  return (await phase(`pnpm ${PNPM_VERSION}`, ensurePnpm)) && (await phase("pnpm install", installDependencies));
}
