import { z } from "zod";
import { ZSerial } from "../../contracts/fields.ts";

/** backup.register's request, sealed with the link key: the backup's configured serial and its host name. */
export const ZBackupRegisterRequest = z.object({
  serial: ZSerial,
  hostname: z.string().min(1).max(253),
});
export type TBackupRegisterRequest = z.infer<typeof ZBackupRegisterRequest>;

/**
 * backup.register's answer, sealed as the answer to that request: appliance.register's answer
 * without the token. The backup authenticates by the link key alone, so its token is never sent.
 */
export const ZBackupRegisterAnswer = z.object({
  role: z.enum(["participant", "backup"]),
  refreshIntervalSec: z.number().int(),
  granted: z.number().int(),
  pending: z.number().int(),
});
export type TBackupRegisterAnswer = z.infer<typeof ZBackupRegisterAnswer>;

/** What the backup registers as: it draws no sessions from the pool. */
export const BACKUP_REGISTRATION = { model: "sls-backup", platformLimit: 1, localLimit: 0 } as const;
