import { z } from "zod";
import { transferFrom } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";
import { ZGrantOutput } from "./release.ts";
import { ZSerial } from "./schemas.ts";

export const ZTransferInput = z.object({ fromSerial: ZSerial });
export type TTransferInput = z.infer<typeof ZTransferInput>;

export const transferProcedure = participantProcedure
  .input(ZTransferInput)
  .output(ZGrantOutput)
  .mutation(({ ctx, input }) => transferFrom(ctx.services, ctx.participant, input, ctx.arrivedAt));
