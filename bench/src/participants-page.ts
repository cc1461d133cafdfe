// The dashboard's participants page, as the browser loads it: admin.participants.list with a
// console session, through the typed console client of the server's testing kit (auth.setup or
// auth.login first, keeping the session cookie).
import { ConsoleClient } from "@sls/server/testing";

const ACCOUNT = { name: "bench", password: "bench-password-0001" };
const FIRST_PAGE = { page: 1, pageSize: 50, sort: "serial", direction: "asc" } as const;

export type PageLatency = { p50: number; p99: number; samples: number; total: number } | { unavailable: string };

/** The one-time setup code, as an operator reads it from the server's log. */
export function setupCodeIn(log: string): string | null {
  return /enter the setup code (\S+)/.exec(log)?.[1] ?? null;
}

/** Creates the first console account (or signs in with it) and returns the signed-in console. */
export async function signIn(baseUrl: string, setupCode: string | null): Promise<ConsoleClient> {
  const session = new ConsoleClient(baseUrl);
  if (setupCode) {
    try {
      await session.trpc.auth.setup.mutate({ ...ACCOUNT, setupCode });
      return session;
    } catch {
      // already set up: sign in below
    }
  }
  try {
    await session.trpc.auth.login.mutate(ACCOUNT);
  } catch {
    throw new Error("could not sign in to the console (auth.setup / auth.login)");
  }
  return session;
}

/** Loads the first page `samples` times, `gapMs` apart, and reports the latency. */
export async function measureParticipantsPage(
  baseUrl: string,
  samples: number,
  gapMs: number,
  setupCode: string | null,
): Promise<PageLatency> {
  let session: ConsoleClient;
  try {
    session = await signIn(baseUrl, setupCode);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    try {
      total = (await session.trpc.admin.participants.list.query(FIRST_PAGE)).total;
    } catch (error) {
      return { unavailable: `admin.participants.list failed: ${(error as Error).message.slice(0, 200)}` };
    }
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), samples: times.length, total };
}
