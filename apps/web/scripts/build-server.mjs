// Bundles server.ts and the workspace packages it runs (@sls/server, @sls/db with its generated
// Prisma clients, @sls/allocator) and their npm dependencies into one ES module, dist/app.js, so
// that production runs plain JavaScript: no TypeScript loader, no workspace sources. The entry
// every start uses is dist/server.js (launch.ts), which sets glibc's allocator up, then loads app.js.
//
// Left outside the bundle, resolved from node_modules at run time:
// - next: the console's server, with the files `next build` traced into .next/standalone;
// - better-sqlite3: a native addon (.node), loaded from its package's build folder;
// - pg-native: pg's optional native driver, which this project does not install.
// Files the bundle reads at run time: the migration folders (prisma/migrations and
// prisma/postgres/migrations, found by @sls/db from the bundle's folder upwards) and the console's
// .next folder (one folder above dist/) and Prisma's query compilers (see prismaWasmFromFiles). The
// WebAssembly schema engine is used only to write migrations, never at run time.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const WEB = path.resolve(import.meta.dirname, "..");
const OUT = path.join(WEB, "dist");
const started = performance.now();

/**
 * Prisma's generated clients import their query compiler as a module of base64 text (4.5 MB), which
 * a server kept alive for good: the module's source, its string and the decoded bytes, about 13 MB
 * of an idle process. The bundle instead reads the WebAssembly from a file beside it, written here
 * from the same module, and keeps only the compiled module.
 */
const prismaWasmFromFiles = {
  name: "prisma-wasm-from-files",
  setup(pluginBuild) {
    const fromDb = createRequire(path.join(WEB, "..", "..", "packages", "db", "package.json"));
    pluginBuild.onLoad({ filter: /[\\/]generated[\\/][a-z]+[\\/]internal[\\/]class\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const imported =
        /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_fast_bg\.([a-z]+)\.wasm-base64\.mjs)"\)\n\s*return await decodeBase64AsWasm\(wasm\)/;
      const found = imported.exec(source);
      if (!found) throw new Error(`${args.path}: Prisma's query compiler import changed; update build-server.mjs`);
      const [statements, specifier, provider] = found;
      const file = `query_compiler_fast_bg.${provider}.wasm`;
      const literal = /^const wasm = "([A-Za-z0-9+/=]+)"/m.exec(readFileSync(fromDb.resolve(specifier), "utf8"))?.[1];
      if (!literal) throw new Error(`${specifier}: no base64 WebAssembly found in it`);
      mkdirSync(OUT, { recursive: true });
      writeFileSync(path.join(OUT, file), Buffer.from(literal, "base64"));
      const load = `const { readFile } = await import("node:fs/promises")
    return new WebAssembly.Module(await readFile(new URL(${JSON.stringify(`./${file}`)}, import.meta.url)))`;
      return { contents: source.replace(statements, load), loader: "ts" };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: { server: path.join(WEB, "launch.ts"), app: path.join(WEB, "server.ts") },
  outdir: OUT,
  plugins: [prismaWasmFromFiles],
  // Modules loaded only by a dynamic import go to chunks of their own (Prisma's runtime of each
  // database): a server loads only its database's.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  // The oldest Node line the project runs on; the archive targets Node 24, which runs it as is.
  target: "node20",
  external: ["next", "next/*", "better-sqlite3", "pg-native"],
  // CommonJS dependencies inside an ES module call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __slsCreateRequire } from "node:module"; const require = __slsCreateRequire(import.meta.url);',
  },
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

mkdirSync(OUT, { recursive: true });
writeFileSync(path.join(OUT, "meta.json"), JSON.stringify(result.metafile));
const outputs = Object.values(result.metafile.outputs);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const main = result.metafile.outputs["dist/app.js"]?.bytes ?? 0;
const all = outputs.reduce((sum, o) => sum + o.bytes, 0);
const ms = Math.round(performance.now() - started);
console.log(
  `bundled server.ts into dist/app.js (${mb(main)}; ${outputs.length - 1} more files, ${mb(all - main)}; and the query compilers' .wasm) in ${ms} ms`,
);
