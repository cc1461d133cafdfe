import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "@sls/server";

/** The server's typed API, as the CLI calls it with its token. */
export type Api = TRPCClient<AppRouter>;

/** How long a call may take before the server counts as unreachable. */
const CALL_TIMEOUT_MS = 30_000;

export function apiClient(url: string, token: string): Api {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/api/trpc`,
        headers: { authorization: `Bearer ${token}` },
        fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
      }),
    ],
  });
}
