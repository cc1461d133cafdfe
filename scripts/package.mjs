#!/usr/bin/env node
// `npm run package [-- --out DIR]`: builds the server and writes ONE archive an operator deploys,
// DIR/sls-server-<version>.tar.gz (DIR: dist/ of the checkout), with the version of apps/web.
// Unpacked anywhere, `node server.js` in its top folder starts the server (Node.js only: no
// pnpm, no checkout, no TypeScript). Its top folder, sls-server-<version>/:
//
//   server.js                 checks the Node.js line, then runs apps/web/dist/server.js
//   bin/sls-server            the same, for a service manager or the PATH
//   package.json              name, version, and the Node.js the native module was built for
//   prisma/migrations/…       SQLite migrations, applied at start
//   prisma/postgres/migrations/…   PostgreSQL migrations
//   apps/web/dist/server.js   the entry (apps/web/launch.ts): sets glibc's allocator up, then
//                             runs app.js, the server bundled by esbuild
//                             (apps/web/scripts/build-server.mjs), with chunks/ (each database's
//                             Prisma runtime) and each database's query compiler (.wasm)
//   apps/web/.next/…          the console: Next.js's standalone server files and its static files
//   node_modules/…            only what runs: Next.js's traced files (.pnpm/… and the links to
//                             them; without sharp, see pruneImageOptimizer) and better-sqlite3
//                             with its compiled addon and `bindings`
//
// Like sls.mjs it imports nothing but node: modules and scripts/lib; run it through
// scripts/with-tools.mjs (the root `package` script does), which puts pnpm and turbo on the PATH.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exitCodeOfSignal, forwardSignalsToSteps, interruption, run } from "./lib/processes.mjs";
import { formatDuration, say } from "./lib/report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WEB = path.join(ROOT, "apps", "web");

function fail(message) {
  say(`✘ npm run package: ${message}`);
  process.exit(interruption() ? exitCodeOfSignal(interruption()) : 1);
}

const USAGE = "usage: npm run package [-- --out DIR] [--no-build]   (DIR: dist/; --no-build: package the last build)";

function options(argv) {
  const out = { dir: path.join(ROOT, "dist"), build: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && argv[i + 1]) out.dir = path.resolve(argv[++i]);
    else if (argv[i] === "--no-build") out.build = false;
    else if (argv[i] === "--help") {
      say(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${argv[i]}"; ${USAGE}`);
  }
  return out;
}

/** A path as the operator typed it or under the checkout. */
const shown = (file) => (file.startsWith(`${ROOT}/`) ? path.relative(ROOT, file) : file);

async function step(name, fn) {
  const started = performance.now();
  say(`${name} …`);
  const detail = await fn();
  say(`${name}: done in ${formatDuration(performance.now() - started)}${detail ? ` (${detail})` : ""}`);
}

/** Copies a package's folder (its real path) without the files it needs only to be built. */
function copyPackage(fromDir, toDir, keep) {
  mkdirSync(toDir, { recursive: true });
  for (const entry of readdirSync(fromDir)) {
    if (entry === "node_modules" || !keep(entry)) continue;
    cpSync(path.join(fromDir, entry), path.join(toDir, entry), { recursive: true });
  }
}

/** better-sqlite3 (its JavaScript and compiled addon) and the packages it loads at run time. */
function copyBetterSqlite3(stage) {
  const fromWeb = createRequire(path.join(WEB, "package.json"));
  const sqliteDir = path.dirname(realpathSync(fromWeb.resolve("better-sqlite3/package.json")));
  const addon = path.join(sqliteDir, "build", "Release", "better_sqlite3.node");
  if (!existsSync(addon)) fail(`${addon} is missing: better-sqlite3 was not compiled (run pnpm install)`);
  const modules = path.join(stage, "node_modules");
  copyPackage(sqliteDir, path.join(modules, "better-sqlite3"), (e) => ["package.json", "LICENSE", "lib"].includes(e));
  mkdirSync(path.join(modules, "better-sqlite3", "build", "Release"), { recursive: true });
  cpSync(addon, path.join(modules, "better-sqlite3", "build", "Release", "better_sqlite3.node"));
  // `bindings` finds the addon; it loads `file-uri-to-path`. (prebuild-install only installs.)
  const bindingsDir = path.dirname(
    realpathSync(createRequire(path.join(sqliteDir, "x")).resolve("bindings/package.json")),
  );
  const uriDir = path.dirname(
    realpathSync(createRequire(path.join(bindingsDir, "x")).resolve("file-uri-to-path/package.json")),
  );
  copyPackage(bindingsDir, path.join(modules, "bindings"), (e) => !e.endsWith(".md") || e.startsWith("LICENSE"));
  copyPackage(uriDir, path.join(modules, "file-uri-to-path"), (e) => !e.endsWith(".md") || e.startsWith("LICENSE"));
}

/**
 * sharp and its libvips (18 MB): Next.js traces them for its image optimizer, which the console
 * never uses (no next/image; next.config sets `images.unoptimized`, so /_next/image answers 404
 * without loading them). Removed with the links into them.
 */
function pruneImageOptimizer(stage) {
  const pnpmDir = path.join(stage, "node_modules", ".pnpm");
  const pruned = readdirSync(pnpmDir)
    .filter((entry) => /^(sharp@|@img\+)/.test(entry))
    .map((entry) => path.join(pnpmDir, entry));
  for (const dir of pruned) rmSync(dir, { recursive: true });
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = path.resolve(dir, readlinkSync(file));
        if (pruned.some((p) => target === p || target.startsWith(`${p}/`))) rmSync(file);
      } else if (entry.isDirectory()) walk(file);
    }
  };
  walk(path.join(stage, "node_modules"));
}

const TOP_SERVER_JS = `// Starts the Shared License Server from this folder: node server.js (or bin/sls-server).
// Configuration is the environment (DATABASE_URL, PORT, SLS_POOL_SIZE, SLS_SHARED_SECRET, …).
import { readFileSync } from "node:fs";

const { sls } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
if (process.versions.modules !== sls.nodeModuleVersion) {
  process.stderr.write(
    \`This server was built for Node.js \${sls.nodeLine}.x (\${sls.node}); this is Node.js \${process.version}. \` +
      \`Run it with Node.js \${sls.nodeLine}: its compiled SQLite module loads only there.\\n\`,
  );
  process.exit(1);
}
// The archive holds the production build only.
process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
await import("./apps/web/dist/server.js");
`;

const BIN = `#!/bin/sh
# Starts the Shared License Server of this archive (see server.js beside bin/).
here=$(dirname "$(readlink -f "$0")")
exec node "$here/../server.js" "$@"
`;

/** Every symbolic link in the folder is relative and points inside it; no file names the checkout. */
function checkSelfContained(stage) {
  const problems = [];
  const needle = Buffer.from(ROOT);
  let files = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = readlinkSync(file);
        const resolved = path.resolve(dir, target);
        if (path.isAbsolute(target) || !resolved.startsWith(stage + path.sep) || !existsSync(resolved))
          problems.push(`${path.relative(stage, file)} links to ${target}`);
      } else if (entry.isDirectory()) walk(file);
      else {
        files++;
        if (readFileSync(file).includes(needle)) problems.push(`${path.relative(stage, file)} names ${ROOT}`);
      }
    }
  };
  walk(stage);
  if (problems.length > 0) fail(`the archive would reach back into the checkout:\n  ${problems.join("\n  ")}`);
  return files;
}

function folderBytes(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += folderBytes(file);
    else if (entry.isFile()) bytes += lstatSync(file).size;
  }
  return bytes;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  forwardSignalsToSteps();
  const opts = options(process.argv.slice(2));
  const started = performance.now();
  const rootPackage = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const { version } = JSON.parse(readFileSync(path.join(WEB, "package.json"), "utf8"));
  const name = `sls-server-${version}`;
  const stage = path.join(opts.dir, name);
  const archive = path.join(opts.dir, `${name}.tar.gz`);

  if (opts.build) {
    await step("build the server and the console (turbo run build --filter=@sls/web...)", async () => {
      const args = ["turbo", "run", "build", "--filter=@sls/web...", "--output-logs=errors-only"];
      if ((await run("pnpm", args)) !== 0) fail("the build failed");
    });
  }
  const standalone = path.join(WEB, ".next", "standalone");
  for (const built of [path.join(standalone, "apps", "web", ".next"), path.join(WEB, "dist", "server.js")])
    if (!existsSync(built)) fail(`${path.relative(ROOT, built)} is missing: build first (leave out --no-build)`);

  await step(`assemble ${shown(stage)}`, () => {
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    // Next.js's traced files as they are: pnpm's .pnpm folder and the relative links into it.
    cpSync(standalone, stage, { recursive: true, verbatimSymlinks: true });
    // Next.js's own minimal server.js: this archive runs the API and the console from ours.
    rmSync(path.join(stage, "apps", "web", "server.js"));
    pruneImageOptimizer(stage);
    cpSync(path.join(WEB, ".next", "static"), path.join(stage, "apps", "web", ".next", "static"), { recursive: true });
    if (existsSync(path.join(WEB, "public")))
      cpSync(path.join(WEB, "public"), path.join(stage, "apps", "web", "public"), { recursive: true });
    // The bundle and its chunks, without esbuild's account of its inputs (meta.json).
    cpSync(path.join(WEB, "dist"), path.join(stage, "apps", "web", "dist"), {
      recursive: true,
      filter: (file) => path.basename(file) !== "meta.json",
    });
    // What `next build` recorded of the checkout's location (the tracing root, the app folder):
    // unused by this server, so written relative to the archive's top folder.
    const serverFiles = path.join(stage, "apps", "web", ".next", "required-server-files.json");
    writeFileSync(serverFiles, readFileSync(serverFiles, "utf8").replaceAll(`${ROOT}/`, "./").replaceAll(ROOT, "."));
    for (const folder of ["migrations", path.join("postgres", "migrations")])
      cpSync(path.join(ROOT, "prisma", folder), path.join(stage, "prisma", folder), { recursive: true });
    copyBetterSqlite3(stage);
    // The service unit and its environment file of the same version (docs/deployment.md).
    cpSync(path.join(ROOT, "deploy"), path.join(stage, "deploy"), { recursive: true });
    writeFileSync(
      path.join(stage, "package.json"),
      `${JSON.stringify(
        {
          name: "sls-server",
          version,
          description: rootPackage.description,
          private: true,
          type: "module",
          engines: { node: `${process.versions.node.split(".")[0]}.x` },
          scripts: { start: "node server.js" },
          sls: {
            node: process.version,
            nodeLine: process.versions.node.split(".")[0],
            nodeModuleVersion: process.versions.modules,
          },
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(path.join(stage, "server.js"), TOP_SERVER_JS);
    mkdirSync(path.join(stage, "bin"));
    writeFileSync(path.join(stage, "bin", "sls-server"), BIN);
    chmodSync(path.join(stage, "bin", "sls-server"), 0o755);
    return mb(folderBytes(stage));
  });

  await step("check that it does not reach back into the checkout", () => `${checkSelfContained(stage)} files`);
  await step("check that its SQLite module loads in this Node.js", () => {
    // The version package.json records is this process's: the addon must have been compiled for it.
    try {
      const Database = createRequire(path.join(stage, "server.js"))("better-sqlite3");
      const db = new Database(":memory:");
      const { version } = db.prepare("select sqlite_version() as version").get();
      db.close();
      return `SQLite ${version}, Node.js ${process.version}`;
    } catch (error) {
      fail(`the archive's better-sqlite3 does not load in Node.js ${process.version}: ${error.message}`);
    }
  });

  await step(`write ${path.basename(archive)}`, () => {
    rmSync(archive, { force: true });
    const tar = spawnSync(
      "tar",
      ["--create", "--gzip", "--file", archive, "--owner=0", "--group=0", "--numeric-owner", "-C", opts.dir, name],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    if (tar.error || tar.status !== 0) fail(`tar failed: ${tar.error?.message ?? `exit ${tar.status}`}`);
    rmSync(stage, { recursive: true, force: true });
  });

  say(
    `✔ ${shown(archive)} (${mb(statSync(archive).size)}), in ${formatDuration(performance.now() - started)}; ` +
      `built for Node.js ${process.versions.node.split(".")[0]}.x`,
  );
  say(`  unpack and start: tar -xzf ${path.basename(archive)} && cd ${name} && node server.js`);
}

await main();
