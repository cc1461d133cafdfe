import { z } from "zod";
import { publicProcedure } from "../../trpc.ts";

export const ZStatusOutput = z.object({
  configured: z.boolean(),
  pool: z.object({
    poolSize: z.number().int(),
    granted: z.number().int(),
    available: z.number().int(),
    pending: z.number().int(),
  }),
  refreshIntervalSec: z.number().int(),
  participants: z.array(
    z.object({
      serial: z.string(),
      hostname: z.string(),
      model: z.string(),
      platformLimit: z.number().int(),
      localLimit: z.number().int(),
      granted: z.number().int(),
      pending: z.number().int(),
      inUse: z.number().int(),
      highWater: z.number().int(),
      approved: z.boolean(),
      lastSeenAt: z.string(),
    }),
  ),
});
export type TStatusOutput = z.infer<typeof ZStatusOutput>;

/** Pool figures and participants for the status page. */
export const statusProcedure = publicProcedure.output(ZStatusOutput).query(async ({ ctx }) => {
  const [server, participants] = await Promise.all([ctx.services.store.readServer(), ctx.services.store.listParticipants()]);
  const poolSize = server?.poolSize ?? 0;
  const granted = server?.grantedTotal ?? 0;
  return {
    configured: Boolean(server?.secretHash),
    pool: { poolSize, granted, available: poolSize - granted, pending: server?.pendingTotal ?? 0 },
    refreshIntervalSec: server?.refreshIntervalSec ?? 30,
    participants: participants.map((p) => ({
      serial: p.serial,
      hostname: p.hostname,
      model: p.model,
      platformLimit: p.platformLimit,
      localLimit: p.localLimit,
      granted: p.granted,
      pending: p.pending,
      inUse: p.inUse,
      highWater: p.highWater,
      approved: p.approved,
      lastSeenAt: p.lastSeenAt.toISOString(),
    })),
  };
});
