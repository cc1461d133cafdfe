import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createCaller } from "../root.ts";
import type { Services } from "../services/context.ts";
import { ZRefreshInput } from "../contracts/appliance.ts";
import { refreshFromMemory } from "../routers/appliance/refresh.ts";
import { recordCall } from "../services/call-record.ts";
import { type Context, createContextInner } from "../trpc.ts";
import { procedurePaths } from "./procedure-paths.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { answerTooLarge, readJsonBody, sendJson, trpcErrorBody } from "./json-io.ts";

const VERBS = new Set(["register", "request", "refresh", "release", "transfer"]);

type Verb = "register" | "request" | "refresh" | "release" | "transfer";

/**
 * The appliance calls' own path: a single (unbatched) `POST /api/trpc/appliance.<verb>` goes
 * straight to the router through `createCaller`, skipping the generic adapter's Fetch-API
 * translation. Answers are byte-for-byte the shape tRPC's adapter gives. Returns false for any
 * other request, which the caller hands to the generic tRPC handler.
 */
export function createApplianceHandler(services: Services) {
  return function handleAppliance(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST") return false;
    const paths = procedurePaths(req.url ?? "");
    const [area, verb = "", ...rest] = paths?.length === 1 ? paths[0]!.split(".") : [];
    if (area !== "appliance" || rest.length > 0 || !VERBS.has(verb)) return false;
    void serve(services, verb as Verb, req, res);
    return true;
  };
}

async function serve(services: Services, verb: Verb, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = createContextInner({
    arrivedAt: performance.now(),
    services,
    remoteAddress: remoteAddressOf(req, services.trustedProxies),
    authorization: req.headers.authorization ?? null,
  });
  const path = `appliance.${verb}`;
  let input: unknown;
  try {
    input = await readJsonBody(req);
    const fast = verb === "refresh" ? await refreshBeforeMiddleware(services, ctx, input) : null;
    if (fast) return sendJson(res, 200, { result: { data: fast } });
    const data = await createCaller(ctx).appliance[verb](input as never);
    sendJson(res, 200, { result: { data } });
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    const body = trpcErrorBody(error, { type: "mutation", path, input, ctx });
    if (error.code === "PAYLOAD_TOO_LARGE") return answerTooLarge(req, res, body);
    sendJson(res, getHTTPStatusCodeFromError(error), body);
  }
}

/**
 * The common refresh (valid input, a known token, a participant that is not silent, a serving main
 * server) answered from memory (`refreshFromMemory`, the router's own first step) without tRPC's
 * middleware chain, which costs more CPU than the answer itself; counted through the same
 * `recordCall`. A refused token is the call's answer. Anything else returns null and takes the
 * router, which takes the same first step again (a map lookup) and then the pool lock, answering
 * the same call the same way or refusing it with the reason.
 */
async function refreshBeforeMiddleware(services: Services, ctx: Context, input: unknown) {
  const parsed = ZRefreshInput.safeParse(input);
  // A backup server always takes the router, whose serving check comes before the token's.
  if (!parsed.success || services.serving.refreshTakesLock) return null;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const call = { participantId: null as string | null };
  let fast: Awaited<ReturnType<typeof refreshFromMemory>>;
  try {
    fast = await refreshFromMemory(ctx, call, parsed.data);
  } catch (cause) {
    // Counted as the router counts it: a refused token without a participant, a failure after it
    // (the lease's write-through) with the participant the token named.
    recordCall(
      services,
      "refresh",
      { ok: false, error: getTRPCErrorFromUnknown(cause) },
      call.participantId,
      seconds(),
    );
    throw cause;
  }
  if (!fast.answer) return null;
  recordCall(services, "refresh", { ok: true }, call.participantId, seconds());
  return fast.answer;
}
