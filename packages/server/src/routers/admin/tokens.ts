import type { ApiTokenRow } from "@sls/db";
import {
  type TApiToken,
  ZApiToken,
  ZApiTokenList,
  ZCreateApiTokenInput,
  ZCreatedApiToken,
  ZRevokeApiTokenInput,
} from "../../contracts/admin/tokens.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../../services/admin/api-tokens.ts";
import { adminProcedure, router } from "../../trpc.ts";
import { iso } from "../dto.ts";

function tokenDto(row: ApiTokenRow, now: number): TApiToken {
  const state = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt.getTime() <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    state,
    createdAt: iso(row.createdAt),
    createdBy: row.createdBy,
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** API tokens for scripts and the command line: administrators only, reads included. */
export const tokensRouter = router({
  list: adminProcedure.output(ZApiTokenList).query(async ({ ctx }) => ({
    tokens: (await listApiTokens(ctx.services)).map((row) => tokenDto(row, ctx.services.now())),
  })),

  create: adminProcedure
    .input(ZCreateApiTokenInput)
    .output(ZCreatedApiToken)
    .mutation(async ({ ctx, input }) => {
      const { row, token } = await createApiToken(ctx.services, ctx.account, input);
      return { ...tokenDto(row, ctx.services.now()), token };
    }),

  revoke: adminProcedure
    .input(ZRevokeApiTokenInput)
    .output(ZApiToken)
    .mutation(async ({ ctx, input }) =>
      tokenDto(await revokeApiToken(ctx.services, ctx.account, input.id), ctx.services.now()),
    ),
});
