import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Refusal } from "./clients.ts";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with exactly the headers given, `Host` included (fetch will not send a Host
 * of our choosing), the way a DNS-rebinding page or a hand-made client reaches the server.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer } = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? "GET", headers: options.headers ?? {}, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A tRPC answer as it travels: the HTTP status and the parsed JSON body, unwrapped by no client. */
export type WireAnswer<T = unknown> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: Refusal };

/**
 * `POST /api/trpc/<path>` with a JSON body and an optional bearer token, exactly as an appliance
 * sends it, for the tests that pin the wire format (error shapes, the OVERLOADED 429 body); every
 * other test calls the API through the typed clients of kit/clients.ts.
 */
export async function postTrpc<T = unknown>(
  baseUrl: string,
  path: string,
  input: unknown,
  token?: string,
): Promise<WireAnswer<T>> {
  const response = await fetch(`${baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: Refusal };
  if (body.result) return { ok: true, status: response.status, data: body.result.data };
  return { ok: false, status: response.status, error: body.error! };
}
