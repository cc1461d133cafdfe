import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const made = new Set<string>();

/**
 * A new folder `sls-<label>-…` under the system's temporary folder (a SQLite file, a server's
 * data folder, a certificate). Its owner removes it when done; whatever a test file left, a
 * failing test's included, goes after the file (`removeTemporaryFolders`, run by the vitest setup
 * file of each package that uses this kit).
 */
export function temporaryFolder(label: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), `sls-${label}-`));
  made.add(folder);
  return folder;
}

export function removeTemporaryFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  made.delete(folder);
}

/** Removes every folder `temporaryFolder` made in this process and that is still there. */
export function removeTemporaryFolders(): void {
  for (const folder of made) removeTemporaryFolder(folder);
}
