import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the background thread copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * The thread's code, run as CommonJS (`eval`), so that the bundled server needs no file of its own
 * for it. It opens its own connection to the database file and checkpoints PASSIVE: never waiting
 * for the writer or a reader, and copying only what no reader still needs.
 */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => db.pragma("wal_checkpoint(PASSIVE)");
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  try { checkpoint(); } finally { db.close(); parentPort.close(); }
});
`;

/**
 * Checkpoints a SQLite database in WAL mode from a thread of its own. SQLite's automatic
 * checkpoint runs inside the COMMIT that crosses 1,000 pages of log: on the event loop, copying
 * those pages and syncing the database file, 4–10 ms during which no call is read or answered
 * (docs/performance.md, "Checkpoints off the event loop"). The serving connection turns its
 * automatic checkpoint off (`wal_autocheckpoint = 0`) only while this thread runs; if the thread
 * fails, `onFailure` is told, so that the connection turns it back on and the log cannot grow
 * without bound.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  private constructor(file: string, onFailure: (error: unknown) => void) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(THREAD, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
    // A checkpointer must not keep a process alive that has nothing else to do.
    this.worker.unref();
    this.worker.once("error", (error) => {
      if (!this.stopped) onFailure(error);
    });
    this.worker.once("exit", (code) => {
      if (!this.stopped) onFailure(new Error(`the checkpoint thread exited with code ${code}`));
    });
  }

  static start(file: string, onFailure: (error: unknown) => void): SqliteCheckpointer {
    return new SqliteCheckpointer(file, onFailure);
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    // Waited for: a process with nothing else left to do would otherwise end before the thread.
    this.worker.ref();
    this.worker.postMessage("stop");
    await exited;
  }
}
