// A real licensing server (packages/server/src/main.ts) as a separate OS process, with the
// defaults the participant tests share; the spawning itself is the server's testing kit.
import { freePort, freshSqlite, startServerProcess as startApiProcess, type ServerProcess } from "@sls/server/testing";

export { freePort, type ServerProcess };

export const SECRET = "participant-it-secret";

export function freshSqliteUrl(): string {
  return freshSqlite("participant").url;
}

export async function startServerProcess(options: {
  databaseUrl: string;
  poolSize: number;
  port?: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  return startApiProcess({
    DATABASE_URL: options.databaseUrl,
    SLS_POOL_SIZE: String(options.poolSize),
    SLS_SHARED_SECRET: SECRET,
    SLS_REFRESH_INTERVAL_SEC: "10",
    ...(options.port ? { PORT: String(options.port) } : {}),
    ...options.env,
  });
}
