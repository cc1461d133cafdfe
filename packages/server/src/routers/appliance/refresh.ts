import { bearerToken, hashToken } from "../../auth/token.ts";
import { ZRefreshInput, ZRefreshOutput } from "../../contracts/appliance.ts";
import { refresh, refreshFromLease } from "../../services/appliance/refresh.ts";
import { applianceProcedure, authenticateParticipant } from "../../trpc.ts";

/**
 * Refresh is most of the appliance traffic, so it is answered from the lease in memory when it
 * can, and only otherwise authenticates the usual way and takes the pool lock.
 */
export const refreshProcedure = applianceProcedure
  .input(ZRefreshInput)
  .output(ZRefreshOutput)
  .mutation(async ({ ctx, input }) => {
    const token = bearerToken(ctx.authorization);
    const fast = token ? await refreshFromLease(ctx.services, hashToken(token), input) : null;
    if (fast) {
      ctx.call.participantId = fast.participantId;
      return fast.answer;
    }
    const participant = await authenticateParticipant(ctx.services, ctx.authorization);
    ctx.call.participantId = participant.id;
    return refresh(ctx.services, participant, input, ctx.arrivedAt);
  });
