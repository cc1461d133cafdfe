import { MAX_POOL_SIZE } from "@sls/allocator";
import { ACCOUNT_ROLES, type AccountRole } from "@sls/db/vocabulary";
import { z } from "zod";

/** The limits the settings and account forms enforce, served to the browser so it checks the same. */
export const RULES = {
  /** Printable ASCII without spaces, as SLS_SHARED_SECRET in env.ts. */
  secret: { minLength: 4, maxLength: 128, strongLength: 16, pattern: "^[\\x21-\\x7e]*$" },
  refreshIntervalSec: { min: 10, max: 300 },
  poolSize: { min: 0, max: MAX_POOL_SIZE },
  alertThresholdPct: { min: 1, max: 100 },
  accountName: { minLength: 1, maxLength: 64, pattern: "^[a-z0-9][a-z0-9._@-]*$" },
  password: { minLength: 12, maxLength: 256 },
} as const;

export const ZRules = z.object({
  secret: z.object({ minLength: z.number(), maxLength: z.number(), strongLength: z.number(), pattern: z.string() }),
  refreshIntervalSec: z.object({ min: z.number(), max: z.number() }),
  poolSize: z.object({ min: z.number(), max: z.number() }),
  alertThresholdPct: z.object({ min: z.number(), max: z.number() }),
  accountName: z.object({ minLength: z.number(), maxLength: z.number(), pattern: z.string() }),
  password: z.object({ minLength: z.number(), maxLength: z.number() }),
});
export type TRules = z.infer<typeof ZRules>;

const range = (min: number, max: number) =>
  `must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;

/** A whole number in [min, max] with one message for every way to miss. */
export const ZWholeNumber = (bounds: { min: number; max: number }) =>
  z
    .number(range(bounds.min, bounds.max))
    .int(range(bounds.min, bounds.max))
    .min(bounds.min, range(bounds.min, bounds.max))
    .max(bounds.max, range(bounds.min, bounds.max));

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

export const ZRole = z.enum(ACCOUNT_ROLES);

export const ZAccount = z.object({
  id: z.string(),
  name: z.string(),
  role: ZRole,
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type TAccount = z.infer<typeof ZAccount>;

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export function accountDto(account: {
  id: string;
  name: string;
  role: AccountRole;
  createdAt: Date;
  lastLoginAt: Date | null;
}): TAccount {
  return {
    id: account.id,
    name: account.name,
    role: account.role,
    createdAt: iso(account.createdAt),
    lastLoginAt: iso(account.lastLoginAt),
  };
}

export const ZOk = z.object({ ok: z.literal(true) });
