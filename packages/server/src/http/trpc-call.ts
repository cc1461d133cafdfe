import { remoteText } from "./remote-text.ts";

/**
 * A minimal tRPC-over-HTTP mutation call, for server-to-server traffic (backup ↔ main).
 * `status` is the HTTP status the other server answered with, or null when it could not be
 * reached (connection refused or cut, time-out): only null means "not there".
 */
export class RemoteCallError extends Error {
  constructor(
    message: string,
    readonly reason: string | null,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const MiB = 1024 * 1024;
/** What any server-to-server answer may weigh unless its call needs more. */
const DEFAULT_ANSWER_MAX_BYTES = MiB;
/**
 * A full backup.sync snapshot, or a hand-back after an outage in which every participant changed.
 * Measured (sealed, as sent): 100,000 participants are 46.8 MiB (491 bytes each), 84.7 MiB with
 * every serial, host name and model at its longest (888 bytes each). 256 MiB leaves room for
 * about 500,000 ordinary participants (300,000 at the longest) and bounds what a peer, or anyone
 * answering at its address, can make us hold: the old unbounded read ended only at V8's longest
 * string (about 512 MiB).
 */
export const SNAPSHOT_ANSWER_MAX_BYTES = 256 * MiB;
/** The cap of a call's answer unless the caller names one: backup.* answers carry the pool's state. */
function answerMaxBytes(path: string): number {
  return path.startsWith("backup.") ? SNAPSHOT_ANSWER_MAX_BYTES : DEFAULT_ANSWER_MAX_BYTES;
}

/**
 * POSTs `input` to `path` and returns the answer's data. Throws RemoteCallError for anything else:
 * an error answer, a redirect (never followed), an answer above `maxBytes` (read as a stream and
 * given up as soon as it passes), or no answer at all (status null). The peer's message and
 * reason are cleaned and capped before anyone stores or shows them.
 */
export async function callMutation<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { token?: string; timeoutMs: number; onBytes?: (bytes: number) => void; maxBytes?: number },
): Promise<T> {
  const maxBytes = options.maxBytes ?? answerMaxBytes(path);
  const url = `${baseUrl.replace(/\/$/, "")}/api/trpc/${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(input),
      // A redirect is answered, not followed: the peer's address is configured, never taken from it.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new RemoteCallError(`${baseUrl} cannot be reached: ${remoteText(errorText(error))}`, null, null);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get("location");
    throw new RemoteCallError(
      `${path} answered HTTP ${response.status}, a redirect${location ? ` to ${remoteText(location, 200)}` : ""}; server-to-server calls do not follow redirects: configure the address the server answers on itself (scheme, host and port)`,
      null,
      response.status,
    );
  }
  const text = await readCapped(response, path, maxBytes);
  options.onBytes?.(Buffer.byteLength(text));
  const body = parseJson(text) as {
    result?: { data: T };
    error?: { message: unknown; data?: { reason?: unknown } };
  } | null;
  if (body?.result) return body.result.data;
  const reason = body?.error?.data?.reason;
  throw new RemoteCallError(
    body?.error?.message !== undefined ? remoteText(body.error.message) : `${path} answered HTTP ${response.status}`,
    typeof reason === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : null,
    response.status,
  );
}

/**
 * The answer's text, read as a stream and given up as soon as it passes `maxBytes` (or at once
 * when its Content-Length says it will), so an oversized answer is never held whole. A body cut
 * off or timed out half-way is a failure to reach the peer (status null), like a refused connection.
 */
async function readCapped(response: Response, path: string, maxBytes: number): Promise<string> {
  const tooLarge = (bytes: string) =>
    new RemoteCallError(
      `${path} answered with ${bytes}, more than the ${maxBytes} bytes such an answer may have; nothing of it was used`,
      null,
      response.status,
    );
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(`${declared} bytes (Content-Length)`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(`more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RemoteCallError) throw error;
    throw new RemoteCallError(
      `${path}: the answer was cut off after ${bytes} bytes: ${remoteText(errorText(error))}`,
      null,
      null,
    );
  }
  return Buffer.concat(chunks).toString("utf8");
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message
    ? `${error.message} (${cause.message})`
    : error.message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
