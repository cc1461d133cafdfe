import type { AuditFilter } from "@sls/db";
import { z } from "zod";
import { AUDIT_TYPES, auditCsv, auditPage } from "../../services/admin-audit.ts";
import { router, viewerProcedure } from "../../trpc.ts";
import { ZSerial } from "../appliance/schemas.ts";
import { iso } from "./schemas.ts";

export const ZAuditFilter = z
  .object({
    serial: ZSerial.optional(),
    types: z.array(z.enum(AUDIT_TYPES)).max(AUDIT_TYPES.length).optional(),
    /** Actor prefix, e.g. `admin:` for every administrator action or `admin:alice`. */
    actor: z.string().trim().max(128).optional(),
    from: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
    to: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
  })
  .refine((f) => !f.from || !f.to || Date.parse(f.from) <= Date.parse(f.to), {
    path: ["to"],
    message: "must not be before from",
  });
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

export const ZAuditListInput = z.object({
  filter: ZAuditFilter.default({}),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(10).max(200).default(50),
});
export type TAuditListInput = z.input<typeof ZAuditListInput>;

export const ZAuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  serial: z.string().nullable(),
  grantedDelta: z.number().int(),
  pendingDelta: z.number().int(),
  grantedAfter: z.number().int().nullable(),
  pendingAfter: z.number().int().nullable(),
  detail: z.string().nullable(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

function toFilter(filter: TAuditFilter): AuditFilter {
  return {
    serial: filter.serial,
    types: filter.types,
    actor: filter.actor || undefined,
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
  };
}

export const auditRouter = router({
  types: viewerProcedure
    .output(z.object({ types: z.array(z.enum(AUDIT_TYPES)) }))
    .query(() => ({ types: [...AUDIT_TYPES] })),

  list: viewerProcedure
    .input(ZAuditListInput)
    .output(
      z.object({
        rows: z.array(ZAuditEvent),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { rows, total } = await auditPage(
        ctx.services,
        toFilter(input.filter),
        (input.page - 1) * input.pageSize,
        input.pageSize,
      );
      return {
        rows: rows.map(({ participantId: _participantId, ...row }) => ({ ...row, at: iso(row.at) })),
        total,
        page: input.page,
        pageSize: input.pageSize,
      };
    }),

  /** The filtered set as CSV, oldest first (a query: it reads only, and viewers may export). */
  export: viewerProcedure
    .input(z.object({ filter: ZAuditFilter.default({}) }))
    .output(z.object({ filename: z.string(), csv: z.string(), rows: z.number().int(), truncated: z.boolean() }))
    .query(async ({ ctx, input }) => {
      const { csv, rows, truncated } = await auditCsv(ctx.services, toFilter(input.filter));
      const stamp = new Date(ctx.services.now()).toISOString().replace(/[-:]/g, "").slice(0, 15);
      return { filename: `sls-audit-${stamp}.csv`, csv, rows, truncated };
    }),
});
