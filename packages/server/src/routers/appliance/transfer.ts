import { ZGrantOutput, ZTransferInput } from "../../contracts/appliance.ts";
import { transferFrom } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";

export const transferProcedure = participantProcedure
  .input(ZTransferInput)
  .output(ZGrantOutput)
  .mutation(({ ctx, input }) => transferFrom(ctx.services, ctx.participant, input, ctx.arrivedAt));
