import { z } from "zod";
import { syncForBackup } from "../../services/backup/sync-service.ts";
import { ZWireSnapshot } from "../../services/backup/snapshot-wire.ts";
import { participantProcedure } from "../../trpc.ts";

export const ZSyncInput = z.object({
  /** The backup reports its own state, shown on the main server's overview. */
  active: z.boolean(),
  remainingMs: z.number().min(0),
});
export type TSyncInput = z.infer<typeof ZSyncInput>;

/** Called by the backup server every 10 s with its bearer token. */
export const syncProcedure = participantProcedure
  .input(ZSyncInput)
  .output(ZWireSnapshot)
  .mutation(({ ctx, input }) => syncForBackup(ctx.services, ctx.services.store.backup, ctx.participant, input));
