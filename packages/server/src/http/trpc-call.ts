/** A minimal tRPC-over-HTTP mutation call, for server-to-server traffic (backup ↔ main). */
export class RemoteCallError extends Error {
  constructor(
    message: string,
    readonly reason: string | null,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export async function callMutation<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { token?: string; timeoutMs: number; onBytes?: (bytes: number) => void },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/$/, "")}/api/trpc/${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new RemoteCallError(`${baseUrl} cannot be reached: ${(error as Error).message}`, null, null);
  }
  const text = await response.text().catch(() => "");
  options.onBytes?.(Buffer.byteLength(text));
  const body = parseJson(text) as {
    result?: { data: T };
    error?: { message: string; data?: { reason?: string } };
  } | null;
  if (body?.result) return body.result.data;
  throw new RemoteCallError(
    body?.error?.message ?? `${path} answered HTTP ${response.status}`,
    body?.error?.data?.reason ?? null,
    response.status,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
