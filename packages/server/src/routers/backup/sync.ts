import { syncForBackup } from "../../services/backup/sync-service.ts";
import { ZSealed } from "../../services/backup/link-key.ts";
import { applianceProcedure } from "../../trpc.ts";

/**
 * Called by the backup server every sync interval, authenticated by the backup link key alone:
 * the request and the answer (ZSyncRequest, ZSyncAnswer in services/backup/snapshot-wire.ts) are
 * sealed with it. No bearer token: a token can be superseded by anyone who registers its serial.
 */
export const syncProcedure = applianceProcedure
  .input(ZSealed)
  .output(ZSealed)
  .mutation(async ({ ctx, input }) => {
    const { participantId, answer } = await syncForBackup(
      ctx.services,
      ctx.services.store.backup,
      input,
      ctx.remoteAddress,
    );
    ctx.call.participantId = participantId;
    return answer;
  });
