import { z } from "zod";
import { release } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";

export const ZReleaseInput = z.object({
  // Upper bound (the current grant) is the allocator's RELEASE_EXCEEDS_GRANT.
  sessions: z.number().int("must be a whole number").min(0, "must not be negative"),
});
export type TReleaseInput = z.infer<typeof ZReleaseInput>;

export const ZGrantOutput = z.object({ granted: z.number().int(), pending: z.number().int() });
export type TGrantOutput = z.infer<typeof ZGrantOutput>;

export const releaseProcedure = participantProcedure
  .input(ZReleaseInput)
  .output(ZGrantOutput)
  .mutation(({ ctx, input }) => release(ctx.services, ctx.participant, input, ctx.arrivedAt));
