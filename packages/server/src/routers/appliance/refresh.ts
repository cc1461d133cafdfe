import { z } from "zod";
import { refresh } from "../../services/appliance-service.ts";
import { participantProcedure } from "../../trpc.ts";
import { ZBackup, ZCount } from "./schemas.ts";

export const ZRefreshInput = z.object({ inUse: ZCount(1_000_000) });
export type TRefreshInput = z.infer<typeof ZRefreshInput>;

export const ZRefreshOutput = z.object({
  granted: z.number().int(),
  pending: z.number().int(),
  refreshIntervalSec: z.number().int(),
  backup: ZBackup,
});
export type TRefreshOutput = z.infer<typeof ZRefreshOutput>;

export const refreshProcedure = participantProcedure
  .input(ZRefreshInput)
  .output(ZRefreshOutput)
  .mutation(({ ctx, input }) => refresh(ctx.services, ctx.participant, input));
