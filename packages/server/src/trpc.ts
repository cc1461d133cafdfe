import { initTRPC } from "@trpc/server";
import { AdminError } from "./auth/admin-error.ts";
import { assertSameOrigin } from "./auth/same-origin.ts";
import { bearerToken, hashToken } from "./auth/token.ts";
import type { WebRequest } from "./auth/web-request.ts";
import { toCallError } from "./call-error.ts";
import { retryLater, SlsError } from "./errors.ts";
import { recordCall } from "./services/call-record.ts";
import { apiTokenCaller } from "./services/admin/api-tokens.ts";
import type { AdminCaller } from "./services/admin/events.ts";
import { currentSession } from "./services/admin/sessions.ts";
import { badToken, type AuthenticatedParticipant } from "./services/appliance/shared.ts";
import type { Services } from "./services/context.ts";
import type { Lease } from "./services/leases/lease-table.ts";
import { MESSAGE_TYPES, type MessageType } from "./services/counters.ts";

export interface Context {
  services: Services;
  remoteAddress: string;
  authorization: string | null;
  /** When the HTTP request arrived (performance.now()): admission control counts waits from here. */
  arrivedAt?: number;
  /** Set by the generic HTTP handler for the admin console; absent on the appliance fast path. */
  web?: WebRequest;
}

/** A context that needs no HTTP request, so tests can call routers directly. */
export function createContextInner(opts: Context): Context {
  return opts;
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

function zodIssues(cause: unknown): ZodLikeIssue[] | null {
  if (cause && typeof cause === "object" && Array.isArray((cause as { issues?: unknown }).issues)) {
    return (cause as { issues: ZodLikeIssue[] }).issues;
  }
  return null;
}

function describeIssues(issues: ZodLikeIssue[]): string {
  const parts = issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  return `Invalid input — ${parts.join("; ")}.`;
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const known = error instanceof SlsError;
    const issues = known ? null : zodIssues(error.cause);
    const reason = known ? error.reason : issues ? "INVALID_INPUT" : error.code;
    const message = issues
      ? describeIssues(issues)
      : error.code === "INTERNAL_SERVER_ERROR" && !known
        ? "The server failed to handle this call; the error is logged. Try again."
        : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        reason,
        ...(known && error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
        ...(issues ? { issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) } : {}),
      },
    };
  },
});

export const router = t.router;

export const createCallerFactory = t.createCallerFactory;

/** Domain refusals become tRPC errors, and unexpected failures get logged (`toCallError`). */
const mapErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  throw toCallError(ctx.services, { path, remoteAddress: ctx.remoteAddress }, result.error);
});

export const publicProcedure = t.procedure.use(mapErrors);

/** Counts received / answered / failed per message type, per server and per participant. */
const countMessages = t.middleware(async ({ ctx, path, next }) => {
  const messageType = path.slice(path.lastIndexOf(".") + 1) as MessageType;
  const counted = (MESSAGE_TYPES as readonly string[]).includes(messageType);
  const call = { participantId: null as string | null };
  const started = performance.now();
  const result = await next({ ctx: { call } });
  // Counted once the participant is known, so each message is counted exactly once for the
  // server and once for its participant.
  if (counted) recordCall(ctx.services, messageType, result, call.participantId, (performance.now() - started) / 1000);
  return result;
});

/**
 * Protocol messages (appliance.* and backup.sync): counted, and refused with BACKUP_INACTIVE by
 * a backup server that is not serving (backup.* calls between the servers always pass).
 */
export const applianceProcedure = publicProcedure.use(countMessages).use(({ ctx, path, next }) => {
  if (!path.startsWith("backup.")) ctx.services.assertServing();
  return next();
});

/**
 * Calls after `register`: the participant the bearer token names (`authenticateLease`), which the
 * call is then counted for.
 */
export async function authenticateCall(
  ctx: Pick<Context, "services" | "authorization" | "remoteAddress"> & { call: { participantId: string | null } },
): Promise<AuthenticatedParticipant> {
  const { id, participant } = await authenticateLease(ctx.services, ctx.authorization, ctx.remoteAddress);
  ctx.call.participantId = id;
  return participant;
}

/**
 * The lease named by `Authorization: Bearer <token>`, or BAD_TOKEN, or RATE_LIMITED for an address
 * that sent too many unknown tokens. Found in the lease table, else read from the database at
 * most once (services/leases); calls that change grants check the token again under the lock.
 * Every call that carries a token comes through here, the refresh fast path included.
 */
export async function authenticateLease(
  services: Services,
  authorization: string | null,
  remoteAddress: string,
): Promise<{ lease: Lease; id: string; participant: AuthenticatedParticipant }> {
  const token = bearerToken(authorization);
  if (!token) throw badToken();
  const tokenHash = hashToken(token);
  const found = await services.leases.lookup(tokenHash, remoteAddress);
  if (found.lease) {
    const { id, serial } = found.lease;
    return { lease: found.lease, id, participant: { id, serial, tokenHash } };
  }
  if (found.refused) throw tooManyUnknownTokens(found.refused.retryAfterMs, remoteAddress);
  throw badToken();
}

/** Built without a stack trace: a flood gets one per call, and capturing it cost more than the rest of the answer. */
function tooManyUnknownTokens(retryAfterMs: number, address: string): SlsError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return refusedForUnknownTokens(retryAfterMs, address);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function refusedForUnknownTokens(retryAfterMs: number, address: string): SlsError {
  return retryLater(
    "RATE_LIMITED",
    `Too many unknown bearer tokens from ${address} in the last minute; try again in ${Math.ceil(retryAfterMs / 1000)} s, and register again if this appliance's token was superseded.`,
    retryAfterMs,
  );
}

// ─── Admin console ──────────────────────────────────────────────────────────────────────────

function notSignedIn(): AdminError {
  return new AdminError("NOT_SIGNED_IN", "Sign in to the console first; your session may have expired.");
}

/** Calls from the console's browser pages: same-origin only, mutations with the console header. */
export const consoleProcedure = publicProcedure.use(({ ctx, type, next }) => {
  if (!ctx.web) throw notSignedIn();
  assertSameOrigin(ctx.web, type);
  return next({ ctx: { web: ctx.web } });
});

/**
 * Any signed-in account, or an API token (`Authorization: Bearer sls_tok_…`): what viewers may do
 * (read). A call that carries a bearer token is the token's alone: its cookie is never read, so a
 * bad token is refused even beside a good session, and the session is not renewed. It still needs
 * the web port and a same-site (or absent) Origin; it needs no console header, which guards only
 * against forms on other sites sending the browser's cookie, and a page on another site cannot add
 * an `Authorization` header without a CORS preflight this server never grants.
 */
export const viewerProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (!ctx.web) throw notSignedIn();
  const token = bearerToken(ctx.authorization);
  if (token !== null) {
    assertSameOrigin(ctx.web, "query");
    const account = await apiTokenCaller(ctx.services, token, ctx.remoteAddress);
    return next({ ctx: { web: ctx.web, account } });
  }
  assertSameOrigin(ctx.web, type);
  const session = await currentSession(ctx.services, ctx.web);
  if (!session) throw notSignedIn();
  const account: AdminCaller = session.account;
  return next({ ctx: { web: ctx.web, account } });
});

/** Administrators only (and admin-scope tokens of administrators): every change, and the accounts page. */
export const adminProcedure = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.account.role !== "admin") {
    throw new AdminError(
      "ADMIN_ONLY",
      ctx.account.apiToken
        ? `API token ${ctx.account.apiToken.name} has viewer scope (or its creator ${ctx.account.name} is a viewer now); only an admin token of an administrator can do this.`
        : `Account ${ctx.account.name} is a viewer; only an administrator can do this.`,
    );
  }
  return next();
});
