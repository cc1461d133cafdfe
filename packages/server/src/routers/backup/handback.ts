import { SlsError } from "../../errors.ts";
import { handBack } from "../../services/backup/handback-send.ts";
import { ZSealed } from "../../services/backup/link-key.ts";
import { BackupServing } from "../../services/backup/serving.ts";
import { ZHandbackRequest } from "../../services/backup/snapshot-wire.ts";
import { openRequest } from "../../services/backup/sync-service.ts";
import { publicProcedure } from "../../trpc.ts";

/**
 * Called by the returning main server, sealed with the backup link key: this backup goes
 * inactive and returns its state, in one step, sealed as the answer to that very request.
 */
export const handbackProcedure = publicProcedure
  .input(ZSealed)
  .output(ZSealed)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    if (!(services.serving instanceof BackupServing)) {
      throw new SlsError("NOT_BACKUP", "This server is not running as a backup server (SLS_ROLE=backup).");
    }
    const link = services.serving.link;
    await openRequest(services, link, input, "handback-request", ZHandbackRequest, ctx.remoteAddress);
    return link.seal(`handback-answer:${input.nonce}`, await handBack(services, services.serving));
  });
