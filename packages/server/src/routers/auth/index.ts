import { ZAccount } from "../../contracts/admin/accounts.ts";
import { ZAuthState, ZLoginInput, ZLogoutOutput, ZSetupInput } from "../../contracts/auth.ts";
import { RULES } from "../../contracts/rules.ts";
import { authState, logIn, logOut, setUp } from "../../services/admin/auth.ts";
import { consoleProcedure, router } from "../../trpc.ts";
import { accountDto } from "../dto.ts";

/** The console's door: the only procedures a browser without a session may call. */
export const authRouter = router({
  state: consoleProcedure.output(ZAuthState).query(async ({ ctx }) => {
    const { setupRequired, account } = await authState(ctx.services, ctx.web);
    return {
      setupRequired,
      account: account ? accountDto(account) : null,
      rules: RULES,
      sso: { enabled: ctx.services.sso !== null, localLogin: ctx.services.localLogin },
    };
  }),

  setup: consoleProcedure
    .input(ZSetupInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await setUp(ctx.services, ctx.web, ctx.remoteAddress, input))),

  login: consoleProcedure
    .input(ZLoginInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await logIn(ctx.services, ctx.web, ctx.remoteAddress, input))),

  logout: consoleProcedure.output(ZLogoutOutput).mutation(async ({ ctx }) => {
    const { providerLogoutUrl } = await logOut(ctx.services, ctx.web);
    return { ok: true as const, providerLogoutUrl };
  }),
});
