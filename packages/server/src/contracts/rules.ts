import { MAX_POOL_SIZE } from "@sls/allocator";
import { z } from "zod";

/** The limits the settings and account forms enforce, served to the browser so it checks the same. */
export const RULES = {
  /**
   * Printable ASCII without spaces, for the settings form and SLS_SHARED_SECRET alike. At least 16
   * characters because the secret is the fleet's only guard against guessing from many addresses:
   * the limits slow guessers, they cannot refuse a crowd without refusing appliances too. A secret
   * set before this minimum keeps working, with a warning (auth/secret-strength.ts).
   */
  secret: { minLength: 16, maxLength: 128, pattern: "^[\\x21-\\x7e]*$" },
  refreshIntervalSec: { min: 10, max: 300 },
  poolSize: { min: 0, max: MAX_POOL_SIZE },
  alertThresholdPct: { min: 1, max: 100 },
  accountName: { minLength: 1, maxLength: 64, pattern: "^[a-z0-9][a-z0-9._@-]*$" },
  password: { minLength: 12, maxLength: 256 },
} as const;

export const ZRules = z.object({
  secret: z.object({ minLength: z.number(), maxLength: z.number(), pattern: z.string() }),
  refreshIntervalSec: z.object({ min: z.number(), max: z.number() }),
  poolSize: z.object({ min: z.number(), max: z.number() }),
  alertThresholdPct: z.object({ min: z.number(), max: z.number() }),
  accountName: z.object({ minLength: z.number(), maxLength: z.number(), pattern: z.string() }),
  password: z.object({ minLength: z.number(), maxLength: z.number() }),
});
