import { ACCOUNT_ROLES } from "@sls/db/vocabulary";
import { z } from "zod";
import { RULES } from "../rules.ts";

export const ZAccountName = z
  .string()
  .trim()
  .toLowerCase()
  .min(RULES.accountName.minLength, "is required")
  .max(RULES.accountName.maxLength, `must be at most ${RULES.accountName.maxLength} characters`)
  .regex(
    new RegExp(RULES.accountName.pattern),
    "may contain only letters, digits and . _ @ - (starting with a letter or digit)",
  );

export const ZNewPassword = z
  .string()
  .min(RULES.password.minLength, `must be at least ${RULES.password.minLength} characters`)
  .max(RULES.password.maxLength, `must be at most ${RULES.password.maxLength} characters`);

const ZRole = z.enum(ACCOUNT_ROLES);

/** An account as the console sees it (never its password verifier). */
export const ZAccount = z.object({
  id: z.string(),
  name: z.string(),
  role: ZRole,
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Made by single sign-on: no password, the role follows the provider's groups. */
  fromProvider: z.boolean(),
  /** A local account that may sign in with its password when SLS_LOCAL_LOGIN=off. */
  breakGlass: z.boolean(),
});
export type TAccount = z.infer<typeof ZAccount>;

export const ZAccountList = z.object({ accounts: z.array(ZAccount) });

const ZAccountId = z.string().min(1).max(64);

export const ZCreateAccountInput = z.object({ name: ZAccountName, password: ZNewPassword, role: ZRole });
export type TCreateAccountInput = z.infer<typeof ZCreateAccountInput>;

export const ZSetRoleInput = z.object({ id: ZAccountId, role: ZRole });
export type TSetRoleInput = z.infer<typeof ZSetRoleInput>;

export const ZResetPasswordInput = z.object({ id: ZAccountId, password: ZNewPassword });
export type TResetPasswordInput = z.infer<typeof ZResetPasswordInput>;

export const ZSetBreakGlassInput = z.object({ id: ZAccountId, breakGlass: z.boolean() });
export type TSetBreakGlassInput = z.infer<typeof ZSetBreakGlassInput>;

export const ZRemoveAccountInput = z.object({ id: ZAccountId });
export type TRemoveAccountInput = z.infer<typeof ZRemoveAccountInput>;
