import { z } from "zod";
import { ZServerAddress } from "../../services/backup/address.ts";
import {
  readSettings,
  setBackup,
  setOperation,
  setPoolSize,
  setRefreshInterval,
  setSecret,
} from "../../services/admin-settings.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { ZSerial } from "../appliance/schemas.ts";
import { iso, RULES, ZOk, ZWholeNumber } from "./schemas.ts";

export const ZSecretInput = z.object({
  secret: z
    .string()
    .min(RULES.secret.minLength, `must be at least ${RULES.secret.minLength} characters`)
    .max(RULES.secret.maxLength, `must be at most ${RULES.secret.maxLength} characters`)
    .regex(new RegExp(RULES.secret.pattern), "may contain only printable characters, without spaces"),
});

export const ZRefreshIntervalInput = z.object({ refreshIntervalSec: ZWholeNumber(RULES.refreshIntervalSec) });
export const ZPoolSizeInput = z.object({ poolSize: ZWholeNumber(RULES.poolSize) });

export const ZBackupInput = z.object({
  backup: z
    .object({ address: ZServerAddress, serial: ZSerial, peerSerial: ZSerial.nullable() })
    .refine((b) => b.peerSerial !== b.serial, {
      path: ["peerSerial"],
      message: "must be the other unit's serial, not the backup's own",
    })
    .nullable(),
});

export const ZOperationInput = z.object({
  enabled: z.boolean(),
  approvalRequired: z.boolean(),
  alertThresholdPct: ZWholeNumber(RULES.alertThresholdPct),
});

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
export type TSettings = z.infer<typeof ZSettings>;

export const settingsRouter = router({
  get: viewerProcedure.output(ZSettings).query(async ({ ctx }) => {
    const s = await readSettings(ctx.services);
    return {
      secretSet: s.secretHash !== null,
      secretChangedAt: iso(s.secretChangedAt),
      refreshIntervalSec: s.refreshIntervalSec,
      poolSize: s.poolSize,
      granted: s.grantedTotal,
      backup:
        s.backupAddress && s.backupSerial
          ? { address: s.backupAddress, serial: s.backupSerial, peerSerial: s.backupPeerSerial }
          : null,
      enabled: s.enabled,
      approvalRequired: s.approvalRequired,
      alertThresholdPct: s.alertThresholdPct,
    };
  }),

  setSecret: adminProcedure
    .input(ZSecretInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await setSecret(ctx.services, ctx.account, input.secret);
      return { ok: true as const };
    }),

  setRefreshInterval: adminProcedure
    .input(ZRefreshIntervalInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await setRefreshInterval(ctx.services, ctx.account, input.refreshIntervalSec);
      return { ok: true as const };
    }),

  setPoolSize: adminProcedure
    .input(ZPoolSizeInput)
    .output(z.object({ served: z.number().int() }))
    .mutation(({ ctx, input }) => setPoolSize(ctx.services, ctx.account, input.poolSize)),

  setBackup: adminProcedure
    .input(ZBackupInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await setBackup(ctx.services, ctx.account, input.backup);
      return { ok: true as const };
    }),

  setOperation: adminProcedure
    .input(ZOperationInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await setOperation(ctx.services, ctx.account, input);
      return { ok: true as const };
    }),
});
