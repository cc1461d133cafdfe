import {
  ZBackupInput,
  ZOperationInput,
  ZPoolSizeInput,
  ZPoolSizeOutput,
  ZRefreshIntervalInput,
  ZSecretInput,
  ZSettings,
} from "../../contracts/admin/settings.ts";
import { ZOk } from "../../contracts/fields.ts";
import {
  readSettings,
  setBackup,
  setOperation,
  setPoolSize,
  setRefreshInterval,
  setSecret,
} from "../../services/admin/settings.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { iso } from "../dto.ts";

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
    .output(ZPoolSizeOutput)
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
