import { ZSealed } from "../../services/backup/link-key.ts";
import { registerBackupOverLink } from "../../services/backup/register-service.ts";
import { applianceProcedure } from "../../trpc.ts";

/**
 * Called by the backup server, sealed with the backup link key (ZBackupRegisterRequest and
 * ZBackupRegisterAnswer in services/backup/register-wire.ts): registers the configured backup
 * serial. The only way to register that serial; appliance.register refuses it.
 */
export const registerProcedure = applianceProcedure
  .input(ZSealed)
  .output(ZSealed)
  .mutation(async ({ ctx, input }) => {
    const { participantId, answer } = await registerBackupOverLink(
      ctx.services,
      input,
      ctx.remoteAddress,
      ctx.arrivedAt,
    );
    ctx.call.participantId = participantId;
    return answer;
  });
