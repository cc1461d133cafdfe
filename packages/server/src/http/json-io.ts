import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { appRouter } from "../root.ts";
import type { Context } from "../trpc.ts";

/** The largest request body any call accepts; the largest real input is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * What a refused body is still read (and discarded) for after the 413 is sent: a client that
 * writes its whole body before it reads gets the answer instead of a reset, which closing with
 * unread data would send. Beyond either bound the connection is cut.
 */
const DRAIN_LIMITS = { bytes: 16 * 1024 * 1024, ms: 10_000 } as const;

export function tooLarge(): TRPCError {
  return new TRPCError({
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than ${MAX_BODY_BYTES} bytes; no call takes more.`,
  });
}

/** A call's input: its JSON body (undefined when empty), PARSE_ERROR, or PAYLOAD_TOO_LARGE. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new TRPCError({
      code: "PARSE_ERROR",
      message: "The body is not valid JSON; send the input as a JSON object.",
    });
  }
}

/**
 * The body as text, or PAYLOAD_TOO_LARGE once it passes MAX_BODY_BYTES. The rest of a body that
 * is too large is left unread for `answerTooLarge`, never cut off here.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd).pause();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/** Sends `body` as the JSON answer, unless an answer was already started. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

/**
 * Sends a 413 answer with `Connection: close`, then reads and discards the rest of the body
 * (within DRAIN_LIMITS) before the connection closes, so the client reads the answer.
 */
export function answerTooLarge(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    connection: "close",
  });
  res.write(payload);
  if (req.readableEnded) return void res.end();
  let drained = 0;
  const cut = () => {
    clearTimeout(timer);
    res.end();
    req.socket.destroy();
  };
  const timer = setTimeout(cut, DRAIN_LIMITS.ms);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMITS.bytes) cut();
  });
  req.once("end", () => {
    clearTimeout(timer);
    res.end();
  });
  req.once("error", cut);
  req.resume();
}

/**
 * An error answer in the shape tRPC's adapter gives: for a call (`mutation`, with its input and
 * context) or for a request refused before any procedure runs (`unknown`).
 */
export function trpcErrorBody(
  error: TRPCError,
  call: { type: "mutation" | "unknown"; path: string; input?: unknown; ctx?: Context },
): { error: unknown } {
  const { type, path, input, ctx } = call;
  return { error: getTRPCErrorShape({ config: appRouter._def._config, error, type, path, input, ctx }) };
}
