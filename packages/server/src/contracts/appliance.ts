// The inputs and answers of `appliance.*` (the protocol spec): routers/appliance validates with
// them, services/appliance takes and returns their types.
import { MAX_PLATFORM_LIMIT } from "@sls/allocator";
import { z } from "zod";
import { ZCount, ZSerial } from "./fields.ts";
import { RULES } from "./rules.ts";

const ZBackup = z.object({ address: z.string() }).nullable();
export type TBackup = z.infer<typeof ZBackup>;

export const ZRegisterInput = z
  .object({
    secret: z
      .string()
      .min(1, "is required")
      .max(RULES.secret.maxLength, `must be at most ${RULES.secret.maxLength} characters`),
    serial: ZSerial,
    hostname: z.string().min(1, "must be 1–253 characters").max(253, "must be 1–253 characters"),
    model: z.string().min(1, "must be 1–64 characters").max(64, "must be 1–64 characters"),
    platformLimit: ZCount(MAX_PLATFORM_LIMIT).min(1, "must be at least 1"),
    localLimit: ZCount(MAX_PLATFORM_LIMIT),
    haPeerSerial: ZSerial.optional(),
  })
  .refine((input) => input.localLimit <= input.platformLimit, {
    path: ["localLimit"],
    message: "must not exceed platformLimit",
  })
  .refine((input) => input.haPeerSerial !== input.serial, {
    path: ["haPeerSerial"],
    message: "must name the other unit of the failover pair, not this one",
  });
export type TRegisterInput = z.infer<typeof ZRegisterInput>;

export const ZRegisterOutput = z.object({
  token: z.string(),
  role: z.enum(["participant", "backup"]),
  refreshIntervalSec: z.number().int(),
  granted: z.number().int(),
  pending: z.number().int(),
  backup: ZBackup,
});
export type TRegisterOutput = z.infer<typeof ZRegisterOutput>;

export const ZRequestInput = z.object({
  // Any finite number is let through so that the allocator answers NOT_A_MULTIPLE_OF_50 for 0, -50 or 70.
  sessions: z.number().finite(),
  requestId: z.string().min(1, "must be 1–64 characters").max(64, "must be 1–64 characters"),
});
export type TRequestInput = z.infer<typeof ZRequestInput>;

export const ZRequestOutput = z.object({
  granted: z.number().int(),
  added: z.number().int(),
  pending: z.number().int(),
  refreshIntervalSec: z.number().int(),
});
export type TRequestOutput = z.infer<typeof ZRequestOutput>;

export const ZRefreshInput = z.object({ inUse: ZCount(MAX_PLATFORM_LIMIT) });
export type TRefreshInput = z.infer<typeof ZRefreshInput>;

export const ZRefreshOutput = z.object({
  granted: z.number().int(),
  pending: z.number().int(),
  refreshIntervalSec: z.number().int(),
  backup: ZBackup,
});
export type TRefreshOutput = z.infer<typeof ZRefreshOutput>;

export const ZReleaseInput = z.object({
  // Upper bound (the current grant) is the allocator's RELEASE_EXCEEDS_GRANT.
  sessions: z.number().int("must be a whole number").min(0, "must not be negative"),
});
export type TReleaseInput = z.infer<typeof ZReleaseInput>;

export const ZTransferInput = z.object({ fromSerial: ZSerial });
export type TTransferInput = z.infer<typeof ZTransferInput>;

/** The answer of `appliance.release` and `appliance.transfer`. */
export const ZGrantOutput = z.object({ granted: z.number().int(), pending: z.number().int() });
export type TGrantOutput = z.infer<typeof ZGrantOutput>;
