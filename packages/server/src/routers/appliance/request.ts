import { z } from "zod";
import { request } from "../../services/appliance/grants.ts";
import { participantProcedure } from "../../trpc.ts";

export const ZRequestInput = z.object({
  // Any finite number is let through so that the allocator answers NOT_A_MULTIPLE_OF_50 for 0, -50 or 70.
  sessions: z.number().finite(),
  requestId: z.string().min(1, "must be 1–64 characters").max(64, "must be 1–64 characters"),
});
export type TRequestInput = z.infer<typeof ZRequestInput>;

export const ZRequestOutput = z.object({
  granted: z.number().int(),
  added: z.number().int(),
  pending: z.number().int(),
  refreshIntervalSec: z.number().int(),
});
export type TRequestOutput = z.infer<typeof ZRequestOutput>;

export const requestProcedure = participantProcedure
  .input(ZRequestInput)
  .output(ZRequestOutput)
  .mutation(({ ctx, input }) => request(ctx.services, ctx.participant, input, ctx.arrivedAt));
