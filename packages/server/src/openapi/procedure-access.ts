import type { AnyProcedure } from "@trpc/server";
import { adminProcedure, applianceProcedure, viewerProcedure } from "../trpc.ts";

/** Who may call a procedure, as the OpenAPI document describes it. */
export type ProcedureAccess = "admin" | "viewer" | "appliance" | "public";

interface WithMiddlewares {
  _def: { middlewares: readonly unknown[] };
}

/** The middleware a builder adds last: every procedure made from that builder runs it. */
function markerOf(builder: WithMiddlewares): unknown {
  const marker = builder._def.middlewares.at(-1);
  if (!marker) throw new Error("a procedure builder without middleware cannot mark its procedures");
  return marker;
}

// Most demanding first: an admin procedure runs the viewer's middleware too.
const MARKERS: readonly (readonly [ProcedureAccess, unknown])[] = [
  ["admin", markerOf(adminProcedure as unknown as WithMiddlewares)],
  ["viewer", markerOf(viewerProcedure as unknown as WithMiddlewares)],
  ["appliance", markerOf(applianceProcedure as unknown as WithMiddlewares)],
];

/**
 * Read from the builder a procedure was made from (trpc.ts), not from a list kept beside the
 * routers: a new procedure is described as what it is without an edit here.
 */
export function accessOf(procedure: AnyProcedure): ProcedureAccess {
  const middlewares = (procedure as unknown as WithMiddlewares)._def.middlewares;
  return MARKERS.find(([, marker]) => middlewares.includes(marker))?.[0] ?? "public";
}
