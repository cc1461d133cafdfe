import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { callVerbLean } from "../routers/appliance/lean-call.ts";
import { APPLIANCE_VERBS, type VerbName } from "../routers/appliance/verbs.ts";
import type { Services } from "../services/context.ts";
import { createContextInner } from "../trpc.ts";
import { arrivalOf } from "./arrival.ts";
import { refusalAtTheDoor } from "./door-admission.ts";
import { procedurePaths } from "./procedure-paths.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { answerTooLarge, readJsonBody, sendJson, trpcErrorBody } from "./json-io.ts";

/**
 * The appliance calls' own path: a single (unbatched) `POST /api/trpc/appliance.<verb>` is
 * answered by the lean path (`callVerbLean`), the procedure's own steps without tRPC's adapter or
 * middleware chain. Answers are byte-for-byte the shape tRPC's adapter gives. Returns false for
 * any other request, which the caller hands to the generic tRPC handler.
 */
export function createApplianceHandler(services: Services) {
  return function handleAppliance(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST") return false;
    const paths = procedurePaths(req.url ?? "");
    const [area, verb = "", ...rest] = paths?.length === 1 ? paths[0]!.split(".") : [];
    if (area !== "appliance" || rest.length > 0 || !Object.hasOwn(APPLIANCE_VERBS, verb)) return false;
    void serve(services, verb as VerbName, req, res);
    return true;
  };
}

async function serve(services: Services, verb: VerbName, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrivedAt = arrivalOf(req);
  const ctx = createContextInner({
    arrivedAt,
    services,
    remoteAddress: remoteAddressOf(req, services.trustedProxies),
    authorization: req.headers.authorization ?? null,
  });
  let input: unknown;
  try {
    const refusal = refusalAtTheDoor(services, verb, arrivedAt);
    if (refusal) throw refusal;
    input = await readJsonBody(req);
    const data = await callVerbLean(ctx, verb, input);
    sendJson(res, 200, { result: { data } });
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    const body = trpcErrorBody(error, { type: "mutation", path: `appliance.${verb}`, input, ctx });
    if (error.code === "PAYLOAD_TOO_LARGE") return answerTooLarge(req, res, body);
    sendJson(res, getHTTPStatusCodeFromError(error), body);
  }
}
