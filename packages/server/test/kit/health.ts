import { waitFor } from "./wait-for.ts";

export interface HealthWaitOptions {
  timeoutMs?: number;
  /** The process behind `baseUrl`: waiting stops at once if it exits, with what it printed. */
  process?: { exited(): boolean; output(): string };
}

/** Waits until `GET /api/health` answers 200 (the server has migrated, loaded its state and listens). */
export async function waitForHealth(baseUrl: string, options: HealthWaitOptions = {}): Promise<void> {
  const { timeoutMs = 60_000, process } = options;
  const what = `${baseUrl}/api/health to answer 200`;
  let outcome: "healthy" | "exited";
  try {
    outcome = await waitFor(
      async () => {
        if (process?.exited()) return "exited";
        try {
          return (await fetch(`${baseUrl}/api/health`)).ok && "healthy";
        } catch {
          return false; // not listening yet
        }
      },
      { what, timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}${process ? `; the server printed:\n${process.output()}` : ""}`);
  }
  if (outcome === "exited") throw new Error(`the server exited before ${what}:\n${process?.output()}`);
}
