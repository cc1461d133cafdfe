import {
  FILTERED_AUDIT_TYPES,
  ZAuditExport,
  ZAuditExportInput,
  ZAuditListInput,
  ZAuditPage,
  ZAuditTypes,
} from "../../contracts/admin/audit.ts";
import { auditCsv, auditPage } from "../../services/admin/audit.ts";
import { router, viewerProcedure } from "../../trpc.ts";
import { iso } from "../dto.ts";

export const auditRouter = router({
  types: viewerProcedure.output(ZAuditTypes).query(() => ({ types: [...FILTERED_AUDIT_TYPES] })),

  list: viewerProcedure
    .input(ZAuditListInput)
    .output(ZAuditPage)
    .query(async ({ ctx, input }) => {
      const { rows, total } = await auditPage(ctx.services, input);
      return {
        rows: rows.map(({ participantId: _participantId, ...row }) => ({ ...row, at: iso(row.at) })),
        total,
        page: input.page,
        pageSize: input.pageSize,
      };
    }),

  /** The filtered set as CSV, oldest first (a query: it reads only, and viewers may export). */
  export: viewerProcedure
    .input(ZAuditExportInput)
    .output(ZAuditExport)
    .query(async ({ ctx, input }) => {
      const { csv, rows, truncated } = await auditCsv(ctx.services, input.filter);
      const stamp = new Date(ctx.services.now()).toISOString().replace(/[-:]/g, "").slice(0, 15);
      return { filename: `sls-audit-${stamp}.csv`, csv, rows, truncated };
    }),
});
