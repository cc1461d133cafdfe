// The production entry, built into dist/server.js: sets glibc's allocator up for this server, then
// runs the server itself (server.ts, bundled into dist/app.js by scripts/build-server.mjs).
//
// glibc takes its tunables from the environment when a process starts, so a process cannot set
// them on itself: this file runs itself again with the tunable added (process.execve: the same
// process, same id, so a service manager, `npm start` and the bench all see one process; about
// 40 ms). Whichever way the server is started (`npm start`, the archive's `node server.js` or
// bin/sls-server, the service unit, the bench), it starts through here, so all run the same.
//
// glibc.malloc.mmap_threshold=32768: memory blocks of 32 KB and more get their own mapping, given
// back to the system when freed. V8's compilers take their working memory in blocks of up to
// 32 KB; Prisma's query compiler (WebAssembly) being optimized while the server starts took 20–50
// MB of them, and glibc kept most of that resident once freed (its arenas cannot give back pages
// amid live blocks), so an idle server's size varied by 40 MB from one start to the next. The
// figures and the check that appliance calls are no slower for it: docs/performance.md.
// An operator's own GLIBC_TUNABLES are kept; their own mmap_threshold wins.
import process from "node:process";

const TUNABLE = "glibc.malloc.mmap_threshold";
const VALUE = 32 * 1024;

const tunables = process.env.GLIBC_TUNABLES ?? "";
const set = tunables.split(":").some((tunable) => tunable.startsWith(`${TUNABLE}=`));
if (process.platform === "linux" && !set && process.execve) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    GLIBC_TUNABLES: [tunables, `${TUNABLE}=${VALUE}`].filter(Boolean).join(":"),
  });
}

// A path esbuild leaves alone: the server is its own entry point (dist/app.js), not part of this file.
const server = "./app.js";
await import(server);
