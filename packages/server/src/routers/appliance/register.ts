import { ZRegisterInput, ZRegisterOutput } from "../../contracts/appliance.ts";
import { register } from "../../services/appliance/registration.ts";
import { applianceProcedure } from "../../trpc.ts";

export const registerProcedure = applianceProcedure
  .input(ZRegisterInput)
  .output(ZRegisterOutput)
  .mutation(async ({ ctx, input }) => {
    const { participantId, answer } = await register(ctx.services, input, ctx.remoteAddress, ctx.arrivedAt);
    ctx.call.participantId = participantId;
    return answer;
  });
