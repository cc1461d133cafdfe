import { MAX_POOL_SIZE } from "@sls/allocator";
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
