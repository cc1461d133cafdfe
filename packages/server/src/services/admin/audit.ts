import type { AuditFilter, AuditRow } from "@sls/db";
import type { TAuditFilter, TAuditListInput } from "../../contracts/admin/audit.ts";
import type { Services } from "../context.ts";

/** The most rows one CSV export carries; the answer says when the filter matched more. */
const EXPORT_LIMIT = 100_000;

/** Newest first, one page of what the filter matches. */
export function auditPage(services: Pick<Services, "store">, input: TAuditListInput) {
  return services.store.auditQueries.page(toFilter(input.filter), (input.page - 1) * input.pageSize, input.pageSize);
}

function toFilter(filter: TAuditFilter): AuditFilter {
  return {
    serial: filter.serial,
    types: filter.types,
    actor: filter.actor || undefined,
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
  };
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
  services: Pick<Services, "store">,
  filter: TAuditFilter,
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const { rows, more } = await services.store.auditQueries.export(toFilter(filter), EXPORT_LIMIT);
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
