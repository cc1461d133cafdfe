import type { AuditFilter, AuditRow } from "@sls/db";
import {
  ADMIN_EVENT_TYPES,
  GRANT_EVENT_TYPES,
  RECLAIM_EVENT_TYPES,
  REGISTRATION_EVENT_TYPES,
} from "@sls/db/vocabulary";
import type { Services } from "./context.ts";

/** The most rows one CSV export carries; the answer says when the filter matched more. */
export const EXPORT_LIMIT = 100_000;

/**
 * The event types the audit page filters by: registrations, grant changes, reclaims and console
 * actions (the backup's and housekeeping rows are listed, not offered as filters).
 */
export const AUDIT_TYPES = [
  ...REGISTRATION_EVENT_TYPES,
  ...GRANT_EVENT_TYPES,
  ...RECLAIM_EVENT_TYPES,
  ...ADMIN_EVENT_TYPES,
] as const;

export function auditPage(services: Services, filter: AuditFilter, offset: number, limit: number) {
  return services.store.auditQueries.page(filter, offset, limit);
}

const CSV_COLUMNS = [
  "id",
  "at",
  "type",
  "actor",
  "serial",
  "grantedDelta",
  "pendingDelta",
  "grantedAfter",
  "pendingAfter",
  "detail",
] as const satisfies ReadonlyArray<keyof AuditRow>;

export async function auditCsv(
  services: Services,
  filter: AuditFilter,
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const { rows, more } = await services.store.auditQueries.export(filter, EXPORT_LIMIT);
  const lines = [
    CSV_COLUMNS.join(","),
    ...rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row[column])).join(",")),
  ];
  return { csv: `${lines.join("\r\n")}\r\n`, rows: rows.length, truncated: more };
}

/**
 * RFC 4180 quoting, and a leading apostrophe on text that a spreadsheet would run as a formula
 * (hostnames and names come from appliances and people, not from us).
 */
export function csvCell(value: string | number | Date | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (value instanceof Date) return value.toISOString();
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
