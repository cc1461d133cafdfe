import {
  ADMIN_EVENT_TYPES,
  GRANT_EVENT_TYPES,
  RECLAIM_EVENT_TYPES,
  REGISTRATION_EVENT_TYPES,
} from "@sls/db/vocabulary";
import { z } from "zod";
import { ZSerial } from "../fields.ts";

/**
 * The event types the audit page filters by: registrations, grant changes, reclaims and console
 * actions (the backup's and housekeeping rows are listed, not offered as filters).
 */
export const FILTERED_AUDIT_TYPES = [
  ...REGISTRATION_EVENT_TYPES,
  ...GRANT_EVENT_TYPES,
  ...RECLAIM_EVENT_TYPES,
  ...ADMIN_EVENT_TYPES,
] as const;

export const ZAuditTypes = z.object({ types: z.array(z.enum(FILTERED_AUDIT_TYPES)) });

const ZAuditFilter = z
  .object({
    serial: ZSerial.optional(),
    types: z.array(z.enum(FILTERED_AUDIT_TYPES)).max(FILTERED_AUDIT_TYPES.length).optional(),
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
export type TAuditListInput = z.infer<typeof ZAuditListInput>;

const ZAuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  // Not the enum: rows keep the types earlier versions wrote.
  type: z.string(),
  actor: z.string(),
  serial: z.string().nullable(),
  grantedDelta: z.number().int(),
  pendingDelta: z.number().int(),
  grantedAfter: z.number().int().nullable(),
  pendingAfter: z.number().int().nullable(),
  detail: z.string().nullable(),
});

export const ZAuditPage = z.object({
  rows: z.array(ZAuditEvent),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZAuditExportInput = z.object({ filter: ZAuditFilter.default({}) });

export const ZAuditExport = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int(),
  truncated: z.boolean(),
});
