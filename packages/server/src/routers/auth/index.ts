import { z } from "zod";
import { authState, logIn, logOut, setUp } from "../../services/admin-auth.ts";
import { consoleProcedure, router } from "../../trpc.ts";
import { accountDto, RULES, ZAccount, ZAccountName, ZNewPassword, ZOk, ZRules } from "../admin/schemas.ts";

/** Who is signed in, whether setup is due, and the input rules every console form checks in the browser. */
export const ZAuthState = z.object({ setupRequired: z.boolean(), account: ZAccount.nullable(), rules: ZRules });
export type TAuthState = z.infer<typeof ZAuthState>;

/** The one-time code as printed (`ABCD-EFGH-…`); case, dashes and spaces do not matter. */
export const ZSetupCode = z.string().trim().min(1, "is required").max(64, "is too long");
export const ZSetupInput = z.object({ setupCode: ZSetupCode, name: ZAccountName, password: ZNewPassword });
export type TSetupInput = z.infer<typeof ZSetupInput>;

// No length rules on sign-in: a wrong password is just wrong, whatever its length.
export const ZLoginInput = z.object({
  name: z.string().trim().toLowerCase().min(1, "is required").max(64, "is too long"),
  password: z.string().min(1, "is required").max(1024, "is too long"),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;

/** The console's door: the only procedures a browser without a session may call. */
export const authRouter = router({
  state: consoleProcedure.output(ZAuthState).query(async ({ ctx }) => {
    const { setupRequired, account } = await authState(ctx.services, ctx.web);
    return { setupRequired, account: account ? accountDto(account) : null, rules: RULES };
  }),

  setup: consoleProcedure
    .input(ZSetupInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await setUp(ctx.services, ctx.web, ctx.remoteAddress, input))),

  login: consoleProcedure
    .input(ZLoginInput)
    .output(ZAccount)
    .mutation(async ({ ctx, input }) => accountDto(await logIn(ctx.services, ctx.web, ctx.remoteAddress, input))),

  logout: consoleProcedure.output(ZOk).mutation(async ({ ctx }) => {
    await logOut(ctx.services, ctx.web);
    return { ok: true as const };
  }),
});
