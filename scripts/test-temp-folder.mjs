// A temporary folder of its own for each test run: the globalSetup of every package's vitest and
// of Playwright. TMPDIR points into it for the run, so os.tmpdir() in the test workers and in the
// processes they start (servers, the browser) is inside it, and this run's temporary folders are
// told apart from those of another run beside it. At the end, a folder named sls-* still there is
// one a test made and did not remove (tests remove theirs in afterAll, close() or finally, failing
// tests included): the run fails and names it. The folder goes either way, with what tools left
// in it (tsx's cache, Chromium's profiles).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export default function temporaryFolderPerRun() {
  // A run of several vitest projects calls this once per project: the first one's folder serves all.
  if (process.env.SLS_RUN_TMPDIR && process.env.SLS_RUN_TMPDIR === process.env.TMPDIR) return () => {};
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(path.join(os.tmpdir(), `sls-run-${path.basename(process.cwd())}-`));
  process.env.TMPDIR = folder;
  process.env.SLS_RUN_TMPDIR = folder;
  return () => {
    delete process.env.SLS_RUN_TMPDIR;
    const left = readdirSync(folder).filter((name) => name.startsWith("sls-"));
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
    if (left.length === 0) return;
    process.exitCode = 1;
    throw new Error(
      `this test run left ${left.length} temporary folder(s) behind (removed now): ${left.sort().join(", ")}. ` +
        "Remove each where it is made: afterAll, close() or finally, so that a failing test removes it too.",
    );
  };
}
