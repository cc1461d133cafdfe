// The dashboard's participants page, as the browser loads it: GET admin.participants.list with a
// console session. The console's own API (auth.setup, the session cookie) is used to sign in.
const CONSOLE_HEADER = { "x-sls-console": "1" };
const ACCOUNT = { name: "bench", password: "bench-password-0001" };
const FIRST_PAGE = { page: 1, pageSize: 50, sort: "serial", direction: "asc" };

export type PageLatency = { p50: number; p99: number; samples: number; total: number } | { unavailable: string };

/** The one-time setup code, as an operator reads it from the server's log. */
export function setupCodeIn(log: string): string | null {
  return /enter the setup code (\S+)/.exec(log)?.[1] ?? null;
}

/** Creates the first console account (or signs in with it) and returns the session cookie. */
async function signIn(baseUrl: string, setupCode: string | null): Promise<string> {
  for (const verb of ["setup", "login"]) {
    if (verb === "setup" && !setupCode) continue;
    const response = await fetch(`${baseUrl}/api/trpc/auth.${verb}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...CONSOLE_HEADER },
      body: JSON.stringify(verb === "setup" ? { ...ACCOUNT, setupCode } : ACCOUNT),
    });
    const cookie = response.headers.get("set-cookie")?.split(";")[0];
    if (response.ok && cookie) return cookie;
  }
  throw new Error("could not sign in to the console (auth.setup / auth.login)");
}

/** Loads the first page `samples` times, `gapMs` apart, and reports the latency. */
export async function measureParticipantsPage(
  baseUrl: string,
  samples: number,
  gapMs: number,
  setupCode: string | null,
): Promise<PageLatency> {
  let cookie: string;
  try {
    cookie = await signIn(baseUrl, setupCode);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  const url = `${baseUrl}/api/trpc/admin.participants.list?input=${encodeURIComponent(JSON.stringify(FIRST_PAGE))}`;
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const body = (await response.json()) as { result?: { data: { total: number } } };
    if (!body.result)
      return {
        unavailable: `admin.participants.list answered HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`,
      };
    times.push(performance.now() - started);
    total = body.result.data.total;
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), samples: times.length, total };
}
