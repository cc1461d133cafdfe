import { syncForBackup } from "../../services/backup/sync-service.ts";
import { ZSealed } from "../../services/backup/link-key.ts";
import { participantProcedure } from "../../trpc.ts";

/**
 * Called by the backup server every sync interval with its bearer token; the request and the
 * answer (ZSyncRequest, ZSyncAnswer in services/backup/snapshot-wire.ts) are sealed with the
 * backup link key.
 */
export const syncProcedure = participantProcedure
  .input(ZSealed)
  .output(ZSealed)
  .mutation(({ ctx, input }) => syncForBackup(ctx.services, ctx.services.store.backup, ctx.participant, input));
