import { ZRefreshInput, ZRefreshOutput } from "../../contracts/appliance.ts";
import { refresh, refreshFromLease } from "../../services/appliance/refresh.ts";
import { applianceProcedure, authenticateLease } from "../../trpc.ts";

/**
 * Refresh is most of the appliance traffic, so it is answered from the lease in memory when it
 * can, and only otherwise takes the pool lock.
 */
export const refreshProcedure = applianceProcedure
  .input(ZRefreshInput)
  .output(ZRefreshOutput)
  .mutation(async ({ ctx, input }) => {
    const { lease, participant } = await authenticateLease(ctx.services, ctx.authorization, ctx.remoteAddress);
    ctx.call.participantId = participant.id;
    const fast = await refreshFromLease(ctx.services, lease, input);
    if (fast) return fast.answer;
    return refresh(ctx.services, participant, input, ctx.arrivedAt);
  });
