import { ZOutageExport, ZOutageId, ZOutageList, ZOutageReport } from "../../contracts/admin/outages.ts";
import { listOutages, outageCsv, outageReport } from "../../services/admin/outages.ts";
import { router, viewerProcedure } from "../../trpc.ts";

export const outagesRouter = router({
  list: viewerProcedure.output(ZOutageList).query(({ ctx }) => listOutages(ctx.services)),

  get: viewerProcedure
    .input(ZOutageId)
    .output(ZOutageReport)
    .query(({ ctx, input }) => outageReport(ctx.services, input.id)),

  export: viewerProcedure
    .input(ZOutageId)
    .output(ZOutageExport)
    .query(async ({ ctx, input }) => {
      const report = await outageReport(ctx.services, input.id);
      return { filename: `sls-outage-${report.handedBackAt.slice(0, 10)}-${report.id}.csv`, csv: outageCsv(report) };
    }),
});
