import { z } from "zod";
import { ZServerAddress } from "../../services/backup/address.ts";
import { ZSerial, ZWholeNumber } from "../fields.ts";
import { RULES } from "../rules.ts";

export const ZSettings = z.object({
  secretSet: z.boolean(),
  secretChangedAt: z.string().nullable(),
  refreshIntervalSec: z.number().int(),
  poolSize: z.number().int(),
  granted: z.number().int(),
  backup: z.object({ address: z.string(), serial: z.string(), peerSerial: z.string().nullable() }).nullable(),
  enabled: z.boolean(),
  approvalRequired: z.boolean(),
  alertThresholdPct: z.number().int(),
});

/** A new shared secret, from the settings form or SLS_SHARED_SECRET on a new database. */
export const ZNewSecret = z
  .string()
  .min(RULES.secret.minLength, `must be at least ${RULES.secret.minLength} characters`)
  .max(RULES.secret.maxLength, `must be at most ${RULES.secret.maxLength} characters`)
  .regex(new RegExp(RULES.secret.pattern), "may contain only printable characters, without spaces");

export const ZSecretInput = z.object({ secret: ZNewSecret });

export const ZRefreshIntervalInput = z.object({ refreshIntervalSec: ZWholeNumber(RULES.refreshIntervalSec) });

export const ZPoolSizeInput = z.object({ poolSize: ZWholeNumber(RULES.poolSize) });
export const ZPoolSizeOutput = z.object({ served: z.number().int() });
export type TPoolSizeOutput = z.infer<typeof ZPoolSizeOutput>;

const ZBackupSettings = z
  .object({ address: ZServerAddress, serial: ZSerial, peerSerial: ZSerial.nullable() })
  .refine((b) => b.peerSerial !== b.serial, {
    path: ["peerSerial"],
    message: "must be the other unit's serial, not the backup's own",
  });
export type TBackupSettings = z.infer<typeof ZBackupSettings>;

export const ZBackupInput = z.object({ backup: ZBackupSettings.nullable() });

export const ZOperationInput = z.object({
  enabled: z.boolean(),
  approvalRequired: z.boolean(),
  alertThresholdPct: ZWholeNumber(RULES.alertThresholdPct),
});
export type TOperationInput = z.infer<typeof ZOperationInput>;
