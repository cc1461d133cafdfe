import {
  ZAccount,
  ZAccountList,
  ZCreateAccountInput,
  ZRemoveAccountInput,
  ZResetPasswordInput,
  ZSetBreakGlassInput,
  ZSetRoleInput,
} from "../../contracts/admin/accounts.ts";
import {
  createAccount,
  listAccounts,
  removeAccount,
  resetPassword,
  setBreakGlass,
  setRole,
} from "../../services/admin/accounts.ts";
import { adminProcedure, router } from "../../trpc.ts";
import { accountDto } from "../dto.ts";

/** Administrators only, reads included: the list of who can sign in is itself sensitive. */
export const accountsRouter = router({
  list: adminProcedure.output(ZAccountList).query(async ({ ctx }) => ({
    accounts: (await listAccounts(ctx.services)).map(accountDto),
  })),

  create: adminProcedure
    .input(ZCreateAccountInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await createAccount(ctx.services, ctx.account, input))),

  setRole: adminProcedure
    .input(ZSetRoleInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await setRole(ctx.services, ctx.account, input))),

  resetPassword: adminProcedure
    .input(ZResetPasswordInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await resetPassword(ctx.services, ctx.account, input))),

  setBreakGlass: adminProcedure
    .input(ZSetBreakGlassInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await setBreakGlass(ctx.services, ctx.account, input))),

  remove: adminProcedure
    .input(ZRemoveAccountInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await removeAccount(ctx.services, ctx.account, input))),
});
