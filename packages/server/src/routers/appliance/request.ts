import { ZRequestInput, ZRequestOutput } from "../../contracts/appliance.ts";
import { request } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";

export const requestProcedure = participantProcedure
  .input(ZRequestInput)
  .output(ZRequestOutput)
  .mutation(({ ctx, input }) => request(ctx.services, ctx.participant, input, ctx.arrivedAt));
