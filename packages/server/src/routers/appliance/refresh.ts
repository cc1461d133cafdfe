import type { TRefreshInput, TRefreshOutput } from "../../contracts/appliance.ts";
import { refreshFromLease } from "../../services/appliance/refresh.ts";
import type { AuthenticatedParticipant } from "../../services/appliance/shared.ts";
import { authenticateLease, type Context } from "../../trpc.ts";

/**
 * A refresh's first step (refresh is most of the appliance traffic): the token checked the one
 * way every call's is (a refusal there is the call's answer; `call` names the participant once it
 * passes), then the answer from the lease in memory, or null when the call must take the pool lock.
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
