import { MINUTE_MS } from "@sls/allocator";
import type { ApiTokenCredentials, ApiTokenRow } from "@sls/db";
import { newId } from "@sls/db";
import { AdminError } from "../../auth/admin-error.ts";
import { newApiToken } from "../../auth/api-token.ts";
import { admitApiToken } from "../../auth/guesses.ts";
import { hashToken } from "../../auth/token.ts";
import type { TCreateApiTokenInput } from "../../contracts/admin/tokens.ts";
import type { Services } from "../context.ts";
import { type AdminCaller, adminActor } from "./events.ts";

type TokenServices = Pick<Services, "store" | "now">;

/** A token's last use is written at most this often, however many calls it makes. */
const LAST_USED_PRECISION_MS = MINUTE_MS;

export function listApiTokens(services: Pick<Services, "store">): Promise<ApiTokenRow[]> {
  return services.store.apiTokens.list();
}

/** Creates a token and answers it once, with its row; only its hash is stored. */
export async function createApiToken(
  services: TokenServices,
  by: AdminCaller,
  input: TCreateApiTokenInput,
): Promise<{ row: ApiTokenRow; token: string }> {
  const now = services.now();
  const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
  if (expiresAt && expiresAt.getTime() <= now) {
    throw new AdminError(
      "INVALID_INPUT",
      `Invalid input — expiresAt: ${input.expiresAt} has passed; give a time in the future, or none for a token that lasts until revoked.`,
    );
  }
  const { token, hash } = newApiToken();
  const row = await services.store.inPoolTransaction(async (pool) => {
    const at = new Date(now);
    const created = await pool.apiTokens.create({
      id: newId("tok"),
      name: input.name,
      scope: input.scope,
      tokenHash: hash,
      accountId: by.id,
      createdAt: at,
      expiresAt,
    });
    await pool.audit([
      {
        at,
        type: "admin.token-create",
        actor: adminActor(by),
        detail: { token: created.id, name: created.name, scope: created.scope, expiresAt: input.expiresAt ?? null },
      },
    ]);
    return created;
  });
  return { row, token };
}

/** Revokes a token (it stays listed as revoked); revoking it again changes nothing. */
export function revokeApiToken(services: TokenServices, by: AdminCaller, id: string): Promise<ApiTokenRow> {
  return services.store.inPoolTransaction(async (pool) => {
    const found = await pool.apiTokens.findById(id);
    if (!found) throw new AdminError("NOT_FOUND", `No API token has the id ${id}; list the tokens to find it.`);
    if (found.revokedAt) return found;
    const at = new Date(services.now());
    const revoked = await pool.apiTokens.revoke(id, at);
    await pool.audit([
      { at, type: "admin.token-revoke", actor: adminActor(by), detail: { token: id, name: found.name } },
    ]);
    return revoked;
  });
}

/**
 * The caller an admin call's bearer token names: its creator, with the token's scope as its role
 * (never more than the creator's own role now), or a refusal. An unknown token is counted like a
 * wrong password (auth/guesses.ts); a revoked or expired one is real, so it is refused by name
 * without counting a guess.
 */
export async function apiTokenCaller(
  services: Pick<Services, "store" | "now" | "loginFailures">,
  token: string,
  remoteAddress: string,
): Promise<AdminCaller> {
  const attempt = await admitApiToken(services, remoteAddress);
  let found: ApiTokenCredentials | null = null;
  await attempt.check(async () => {
    found = await services.store.apiTokens.findByHash(hashToken(token));
    return found !== null;
  });
  if (!found)
    throw new AdminError(
      "BAD_API_TOKEN",
      "This API token is not known to this server; check SLS_TOKEN or create a new token.",
    );
  const { token: row, account } = found as ApiTokenCredentials;
  const now = services.now();
  if (row.revokedAt) {
    throw new AdminError(
      "API_TOKEN_REVOKED",
      `API token ${row.name} (${row.id}) was revoked at ${row.revokedAt.toISOString()}; create a new one.`,
    );
  }
  if (row.expiresAt && row.expiresAt.getTime() <= now) {
    throw new AdminError(
      "API_TOKEN_EXPIRED",
      `API token ${row.name} (${row.id}) expired at ${row.expiresAt.toISOString()}; create a new one.`,
    );
  }
  if (!row.lastUsedAt || row.lastUsedAt.getTime() <= now - LAST_USED_PRECISION_MS) {
    await services.store.apiTokens.touch(row.id, new Date(now), new Date(now - LAST_USED_PRECISION_MS));
  }
  const role = row.scope === "admin" && account.role === "admin" ? "admin" : "viewer";
  return { ...account, role, apiToken: { id: row.id, name: row.name } };
}
