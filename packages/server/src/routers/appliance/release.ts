import { ZGrantOutput, ZReleaseInput } from "../../contracts/appliance.ts";
import { release } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";

export const releaseProcedure = participantProcedure
  .input(ZReleaseInput)
  .output(ZGrantOutput)
  .mutation(({ ctx, input }) => release(ctx.services, ctx.participant, input, ctx.arrivedAt));
