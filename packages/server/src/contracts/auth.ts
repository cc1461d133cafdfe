import { z } from "zod";
import { ZAccount, ZAccountName, ZNewPassword } from "./admin/accounts.ts";
import { ZRules } from "./rules.ts";

/** Who is signed in, whether setup is due, and the input rules every console form checks in the browser. */
export const ZAuthState = z.object({
  setupRequired: z.boolean(),
  account: ZAccount.nullable(),
  rules: ZRules,
  /** Whether the sign-in page offers "Sign in with SSO", and whether local passwords sign in every account. */
  sso: z.object({ enabled: z.boolean(), localLogin: z.boolean() }),
});

/** Where the browser goes after signing out: the provider's logout (single sign-on), or nowhere. */
export const ZLogoutOutput = z.object({ ok: z.literal(true), providerLogoutUrl: z.string().nullable() });

/** The one-time code as printed (`ABCD-EFGH-…`); case, dashes and spaces do not matter. */
const ZSetupCode = z.string().trim().min(1, "is required").max(64, "is too long");
export const ZSetupInput = z.object({ setupCode: ZSetupCode, name: ZAccountName, password: ZNewPassword });
export type TSetupInput = z.infer<typeof ZSetupInput>;

// No length rules on sign-in: a wrong password is just wrong, whatever its length.
export const ZLoginInput = z.object({
  name: z.string().trim().toLowerCase().min(1, "is required").max(64, "is too long"),
  password: z.string().min(1, "is required").max(1024, "is too long"),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;
