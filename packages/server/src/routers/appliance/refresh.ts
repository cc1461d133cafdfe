import { type TRefreshInput, type TRefreshOutput, ZRefreshInput, ZRefreshOutput } from "../../contracts/appliance.ts";
import { refresh, refreshFromLease } from "../../services/appliance/refresh.ts";
import type { AuthenticatedParticipant } from "../../services/appliance/shared.ts";
import { applianceProcedure, authenticateLease, type Context } from "../../trpc.ts";

/**
 * Refresh is most of the appliance traffic, so it is answered from the lease in memory when it
 * can (`refreshFromMemory`), and only otherwise takes the pool lock.
 */
export const refreshProcedure = applianceProcedure
  .input(ZRefreshInput)
  .output(ZRefreshOutput)
  .mutation(async ({ ctx, input }) => {
    const { participant, answer } = await refreshFromMemory(ctx, ctx.call, input);
    return answer ?? refresh(ctx.services, participant, input, ctx.arrivedAt);
  });

/**
 * A refresh's first step, which the HTTP appliance path also takes before tRPC's middleware: the
 * token checked the one way every call's is (a refusal there is the call's answer; `call` names
 * the participant once it passes), then the answer from the lease in memory, or null when the
 * call must take the pool lock.
 */
export async function refreshFromMemory(
  ctx: Pick<Context, "services" | "authorization" | "remoteAddress">,
  call: { participantId: string | null },
  input: TRefreshInput,
): Promise<{ participant: AuthenticatedParticipant; answer: TRefreshOutput | null }> {
  const { lease, participant } = await authenticateLease(ctx.services, ctx.authorization, ctx.remoteAddress);
  call.participantId = participant.id;
  return { participant, answer: await refreshFromLease(ctx.services, lease, input) };
}
