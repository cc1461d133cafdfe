import { z } from "zod";
import { createAccount, listAccounts, removeAccount, resetPassword, setRole } from "../../services/admin-accounts.ts";
import { adminProcedure, router } from "../../trpc.ts";
import { accountDto, ZAccount, ZAccountName, ZNewPassword, ZRole } from "./schemas.ts";

const ZAccountId = z.string().min(1).max(64);

export const ZCreateAccountInput = z.object({ name: ZAccountName, password: ZNewPassword, role: ZRole });
export type TCreateAccountInput = z.infer<typeof ZCreateAccountInput>;

/** Administrators only, reads included: the list of who can sign in is itself sensitive. */
export const accountsRouter = router({
  list: adminProcedure.output(z.object({ accounts: z.array(ZAccount) })).query(async ({ ctx }) => ({
    accounts: (await listAccounts(ctx.services)).map(accountDto),
  })),

  create: adminProcedure
    .input(ZCreateAccountInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await createAccount(ctx.services, ctx.account, input))),

  setRole: adminProcedure
    .input(z.object({ id: ZAccountId, role: ZRole }))
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await setRole(ctx.services, ctx.account, input))),

  resetPassword: adminProcedure
    .input(z.object({ id: ZAccountId, password: ZNewPassword }))
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await resetPassword(ctx.services, ctx.account, input))),

  remove: adminProcedure
    .input(z.object({ id: ZAccountId }))
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await removeAccount(ctx.services, ctx.account, input))),
});
