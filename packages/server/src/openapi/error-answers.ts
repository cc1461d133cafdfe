import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { REASONS, type Reason } from "../errors.ts";
import type { VerbName } from "../routers/appliance/verbs.ts";
import type { ProcedureAccess } from "./procedure-access.ts";

/**
 * Reasons that are not in REASONS because no procedure gives them: the HTTP layer does, under the
 * tRPC code itself as the reason (trpc.ts's error formatter), or under its own (app-server.ts).
 */
const TRANSPORT_REASONS = {
  PARSE_ERROR: { status: 400, meaning: "the body is not valid JSON" },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: "the body is larger than 64 KiB; no call takes more" },
  HOST_NOT_ALLOWED: { status: 421, meaning: "the console answers only to the host names in `SLS_ALLOWED_HOSTS`" },
} as const satisfies Record<string, { status: number; meaning: string }>;

type AnyReason = Reason | keyof typeof TRANSPORT_REASONS;

/** What every appliance call may be refused with, whatever its verb. */
const APPLIANCE_COMMON: readonly AnyReason[] = [
  "INVALID_INPUT",
  "PARSE_ERROR",
  "PAYLOAD_TOO_LARGE",
  "SERVER_NOT_CONFIGURED",
  "OVERLOADED",
  "STARTING",
  "BACKUP_INACTIVE",
  "INTERNAL",
];
const WITH_TOKEN: readonly AnyReason[] = ["BAD_TOKEN", "RATE_LIMITED"];

/**
 * The refusals of each verb beyond the common ones, as the protocol spec lists them. Keyed by the
 * verb table's names, so a new verb does not compile until its refusals are written here.
 */
const VERB_REFUSALS = {
  register: ["BAD_SECRET", "RATE_LIMITED", "AWAITING_APPROVAL", "RESERVED_SERIAL"],
  request: [...WITH_TOKEN, "NOT_A_MULTIPLE_OF_50", "BACKUP_LIMIT_REACHED"],
  refresh: [...WITH_TOKEN],
  release: [...WITH_TOKEN, "RELEASE_EXCEEDS_GRANT"],
  transfer: [...WITH_TOKEN, "NOT_HA_PEER"],
} as const satisfies Record<VerbName, readonly AnyReason[]>;

/** The appliance verbs that need no bearer token: the call that hands one out. */
export function verbNeedsToken(verb: VerbName): boolean {
  return verb !== "register";
}

const CONSOLE_COMMON: readonly AnyReason[] = [
  "INVALID_INPUT",
  "PARSE_ERROR",
  "PAYLOAD_TOO_LARGE",
  "NOT_SIGNED_IN",
  "CROSS_SITE_REQUEST",
  "HOST_NOT_ALLOWED",
  "INTERNAL",
];

/** The refusals the document lists for a procedure; a console procedure may give others (its `default` answer). */
export function refusalsOf(path: string, access: ProcedureAccess): readonly AnyReason[] {
  const [area, verb] = path.split(".");
  if (area === "appliance") return [...APPLIANCE_COMMON, ...VERB_REFUSALS[verb as VerbName]];
  return access === "admin" ? [...CONSOLE_COMMON, "ADMIN_ONLY"] : CONSOLE_COMMON;
}

function isTransportReason(reason: AnyReason): reason is keyof typeof TRANSPORT_REASONS {
  return Object.hasOwn(TRANSPORT_REASONS, reason);
}

function httpStatusOf(reason: AnyReason): number {
  if (isTransportReason(reason)) return TRANSPORT_REASONS[reason].status;
  return getHTTPStatusCodeFromError(new TRPCError({ code: REASONS[reason].code }));
}

/** The reasons by the HTTP status they travel under, statuses in ascending order. */
export function byStatus(reasons: readonly AnyReason[]): [number, AnyReason[]][] {
  const groups = new Map<number, AnyReason[]>();
  for (const reason of new Set(reasons)) {
    const status = httpStatusOf(reason);
    groups.set(status, [...(groups.get(status) ?? []), reason]);
  }
  return [...groups].sort(([a], [b]) => a - b);
}

export function meaningOf(reason: AnyReason): string {
  return isTransportReason(reason) ? TRANSPORT_REASONS[reason].meaning : REASONS[reason].meaning;
}

/** tRPC's error shape as trpc.ts formats it. */
export const ZErrorAnswer = z.object({
  error: z.object({
    message: z.string().describe("a sentence saying what to fix"),
    code: z.number().int().describe("the JSON-RPC error code tRPC gives the tRPC code"),
    data: z.object({
      code: z.string().describe("the tRPC code (`BAD_REQUEST`, `UNAUTHORIZED`, …)"),
      httpStatus: z.number().int(),
      path: z.string().optional().describe("the procedure called"),
      reason: z.string().describe("stable and machine-readable; see docs/reasons.md"),
      retryAfterMs: z
        .number()
        .int()
        .optional()
        .describe("with `OVERLOADED`, `RATE_LIMITED`, `STARTING` and `LOGIN_RATE_LIMITED`: wait at least this long"),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .describe("with `INVALID_INPUT`: each bad field and what is wrong with it"),
    }),
  }),
});
