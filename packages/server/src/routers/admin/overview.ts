import { ZOverview, ZUsageInput, ZUsageOutput } from "../../contracts/admin/overview.ts";
import { overview } from "../../services/admin/overview.ts";
import { withInUseFromPool } from "../../services/capacity/usage.ts";
import { usageHistory } from "../../services/capacity/usage-sampler.ts";
import { router, viewerProcedure } from "../../trpc.ts";
import { iso } from "../dto.ts";

export const overviewRouter = router({
  get: viewerProcedure.output(ZOverview).query(async ({ ctx }) => {
    const view = await overview(ctx.services);
    const { handbackFailure } = view.backup;
    return {
      ...view,
      backup: {
        ...view.backup,
        lastSeenAt: iso(view.backup.lastSeenAt),
        lastSyncAt: iso(view.backup.lastSyncAt),
        handbackFailure: handbackFailure
          ? { at: handbackFailure.at.toISOString(), cause: handbackFailure.cause }
          : null,
      },
    };
  }),

  usage: viewerProcedure
    .input(ZUsageInput)
    .output(ZUsageOutput)
    .query(async ({ ctx, input }) => {
      const points = await withInUseFromPool(ctx.services, await usageHistory(ctx.services, input.range), input.range);
      return {
        points: points.map(({ at, poolSize, granted, pending, inUse, inUseFromPool }) => ({
          at: iso(at),
          poolSize,
          granted,
          pending,
          inUse,
          inUseFromPool,
        })),
      };
    }),
});
