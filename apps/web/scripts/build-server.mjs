// Bundles server.ts and the workspace packages it runs (@sls/server, @sls/db with its generated
// Prisma clients, @sls/allocator) and their npm dependencies into one ES module, dist/server.js,
// so that production runs plain JavaScript: no TypeScript loader, no workspace sources.
//
// Left outside the bundle, resolved from node_modules at run time:
// - next: the console's server, with the files `next build` traced into .next/standalone;
// - better-sqlite3: a native addon (.node), loaded from its package's build folder;
// - pg-native: pg's optional native driver, which this project does not install.
// Files the bundle reads at run time: the migration folders (prisma/migrations and
// prisma/postgres/migrations, found by @sls/db from the bundle's folder upwards) and the console's
// .next folder (one folder above dist/). Prisma's query compiler (WebAssembly, base64 in a module)
// is bundled; the WebAssembly schema engine is used only to write migrations, never at run time.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const WEB = path.resolve(import.meta.dirname, "..");
const OUT = path.join(WEB, "dist");
const started = performance.now();

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(WEB, "server.ts")],
  outdir: OUT,
  // Modules loaded only by a dynamic import go to chunks of their own: each of Prisma's two query
  // compilers is 4.5 MB of base64 text, and a server loads only its database's.
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
const main = result.metafile.outputs["dist/server.js"]?.bytes ?? 0;
const all = outputs.reduce((sum, o) => sum + o.bytes, 0);
const ms = Math.round(performance.now() - started);
console.log(
  `bundled server.ts into dist/server.js (${mb(main)}; ${outputs.length - 1} more files, ${mb(all - main)}) in ${ms} ms`,
);
