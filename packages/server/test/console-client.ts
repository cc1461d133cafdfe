import { readFileSync } from "node:fs";
import type { TestServer } from "./harness.ts";

export type ConsoleResult<T = unknown> =
  | { ok: true; status: number; data: T }
  | {
      ok: false;
      status: number;
      error: { message: string; data: { code: string; reason: string; httpStatus: number } };
    };

export interface CallOptions {
  /** Leave out the console's header (a cross-site form cannot send it). */
  withoutConsoleHeader?: boolean;
  origin?: string;
}

/** A browser stand-in for the admin console: keeps the session cookie and sends what the UI sends. */
export class ConsoleClient {
  cookie: string | null = null;
  lastSetCookie: string[] = [];

  constructor(private readonly baseUrl: string) {}

  static for(server: Pick<TestServer, "baseUrl">): ConsoleClient {
    return new ConsoleClient(server.baseUrl);
  }

  query<T = unknown>(path: string, input?: unknown, options: CallOptions = {}): Promise<ConsoleResult<T>> {
    const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.send<T>("GET", `${path}${search}`, undefined, options);
  }

  mutation<T = unknown>(path: string, input?: unknown, options: CallOptions = {}): Promise<ConsoleResult<T>> {
    return this.send<T>("POST", path, input === undefined ? undefined : JSON.stringify(input), options);
  }

  async ok<T = unknown>(kind: "query" | "mutation", path: string, input?: unknown): Promise<T> {
    const result = kind === "query" ? await this.query<T>(path, input) : await this.mutation<T>(path, input);
    if (!result.ok) throw new Error(`${path} failed: ${JSON.stringify(result.error)}`);
    return result.data;
  }

  private async send<T>(
    method: string,
    pathAndQuery: string,
    body: string | undefined,
    options: CallOptions,
  ): Promise<ConsoleResult<T>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!options.withoutConsoleHeader) headers["x-sls-console"] = "1";
    if (options.origin) headers.origin = options.origin;
    if (this.cookie) headers.cookie = this.cookie;
    const response = await fetch(`${this.baseUrl}/api/trpc/${pathAndQuery}`, { method, headers, body });
    this.lastSetCookie = response.headers.getSetCookie();
    for (const header of this.lastSetCookie) {
      const [pair] = header.split(";");
      const value = pair?.slice(pair.indexOf("=") + 1) ?? "";
      this.cookie = value === "" ? null : pair!;
    }
    const json = (await response.json()) as { result?: { data: T }; error?: never };
    if (json.result) return { ok: true, status: response.status, data: json.result.data };
    return { ok: false, status: response.status, error: json.error as never };
  }
}

export const ADMIN_PASSWORD = "correct horse battery staple";
export const VIEWER_PASSWORD = "viewer password 12345";

/** The setup code as an operator finds it: in the file the server names in its log. */
export function readSetupCode(server: TestServer): string {
  return readFileSync(server.running.services.setupCodes.file, "utf8").trim();
}

/** Sets the console up with an administrator `root` and returns its signed-in client. */
export async function setUpAdmin(server: TestServer, name = "root"): Promise<ConsoleClient> {
  const admin = ConsoleClient.for(server);
  await admin.ok("mutation", "auth.setup", { setupCode: readSetupCode(server), name, password: ADMIN_PASSWORD });
  return admin;
}

export async function signedInViewer(
  server: TestServer,
  admin: ConsoleClient,
  name = "watcher",
): Promise<ConsoleClient> {
  await admin.ok("mutation", "admin.accounts.create", { name, password: VIEWER_PASSWORD, role: "viewer" });
  const viewer = ConsoleClient.for(server);
  await viewer.ok("mutation", "auth.login", { name, password: VIEWER_PASSWORD });
  return viewer;
}
