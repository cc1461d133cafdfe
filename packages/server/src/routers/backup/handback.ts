import { z } from "zod";
import { SlsError } from "../../errors.ts";
import { handBack } from "../../services/backup/handback.ts";
import { isValidHandbackProof } from "../../services/backup/handback-proof.ts";
import { BackupServing } from "../../services/backup/serving.ts";
import { ZWireParticipant } from "../../services/backup/snapshot-wire.ts";
import { publicProcedure } from "../../trpc.ts";

export const ZHandbackInput = z.object({
  at: z.number().int(),
  proof: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hexadecimal characters"),
});

export const ZHandbackOutput = z.object({
  wasActive: z.boolean(),
  changedIds: z.array(z.string()),
  participants: z.array(ZWireParticipant),
  alerts: z.array(z.object({ at: z.string(), detail: z.string().nullable() })),
});

/** Called by the returning main server: this backup goes inactive and returns its state, in one step. */
export const handbackProcedure = publicProcedure
  .input(ZHandbackInput)
  .output(ZHandbackOutput)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    if (!(services.serving instanceof BackupServing)) {
      throw new SlsError("NOT_BACKUP", "This server is not running as a backup server (SLS_ROLE=backup).");
    }
    const server = await services.store.readServer();
    if (!server?.secretHash || !isValidHandbackProof(server.secretHash, input.at, input.proof, services.now())) {
      services.log.warn("hand-back refused: bad proof", { remoteAddress: ctx.remoteAddress });
      throw new SlsError("BAD_SECRET", "The hand-back proof does not match this backup's synchronised secret, or its time is off by more than 5 minutes.");
    }
    return handBack(services, services.serving);
  });
