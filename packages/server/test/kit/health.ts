import { waitFor } from "./wait-for.ts";

export interface HealthWaitOptions {
  timeoutMs?: number;
  /** The process behind `baseUrl`: waiting stops at once if it exits, with what it printed. */
  process?: { exited(): boolean; output(): string };
}

/**
 * Waits until `GET /api/health` answers 200 and the server has started: its `/api/ready` no longer
 * says "starting" (a server listens before its leases are loaded, and refuses appliance calls with
 * STARTING until then). A port without `/api/ready` (the licence port) counts as started once healthy.
 */
export async function waitForHealth(baseUrl: string, options: HealthWaitOptions = {}): Promise<void> {
  const { timeoutMs = 60_000, process } = options;
  const what = `${baseUrl}/api/health to answer 200`;
  let outcome: "healthy" | "exited";
  try {
    outcome = await waitFor(
      async () => {
        if (process?.exited()) return "exited";
        try {
          return (await started(baseUrl)) && "healthy";
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

async function started(baseUrl: string): Promise<boolean> {
  const health = await fetch(`${baseUrl}/api/health`);
  await health.arrayBuffer();
  if (!health.ok) return false;
  const ready = await fetch(`${baseUrl}/api/ready`);
  const body = (await ready.json().catch(() => null)) as { checks?: { startup?: { ok: boolean } } } | null;
  return body?.checks?.startup?.ok !== false;
}
