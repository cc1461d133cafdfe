import type { OutageSummaryRow, Store } from "@sls/db";
import { z } from "zod";
import {
  type TOutageReport,
  type TOutageSummary,
  ZOutageChange,
  ZOutageReconciled,
} from "../../contracts/admin/outages.ts";
import { SlsError } from "../../errors.ts";
import { iso } from "../../routers/dto.ts";
import { ZFailedSync, ZOutageEvent } from "../backup/outage-wire.ts";
import type { Services } from "../context.ts";
import { csvCell } from "./audit.ts";

const LISTED = 200;

/** A stored list that no longer parses is shown empty rather than failing the page. */
function parsed<T>(schema: z.ZodType<T>, text: string, empty: T): T {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : empty;
  } catch {
    return empty;
  }
}

const ZCounts = z.record(z.string(), z.number().int());

function summary(row: OutageSummaryRow): TOutageSummary {
  const eventCounts = parsed(ZCounts, row.eventCounts, {});
  return {
    id: row.id,
    judgedDownAt: iso(row.judgedDownAt),
    lastSyncAt: iso(row.lastSyncAt),
    firstServedAt: iso(row.firstServedAt),
    handedBackAt: iso(row.handedBackAt),
    eventCounts,
    backupEvents: Object.values(eventCounts).reduce((s, n) => s + n, 0),
    changedOnMain: parsed(z.array(z.unknown()), row.changes, []).length,
    reconciled: parsed(z.array(z.unknown()), row.reconciled, []).length,
  };
}

/** The outage reports, newest first (the last 200). */
export async function listOutages(services: Pick<Services, "store">): Promise<TOutageSummary[]> {
  return (await services.store.outages.list(LISTED)).map(summary);
}

export async function outageReport(services: { store: Store }, id: string): Promise<TOutageReport> {
  const row = await services.store.outages.get(id);
  if (!row) throw new SlsError("NOT_FOUND", `No outage report ${id}: pick one from admin.outages.list.`);
  const events = parsed(z.array(ZOutageEvent), row.events, []);
  return {
    ...summary(row),
    failedSyncs: parsed(z.array(ZFailedSync), row.failedSyncs, []),
    events,
    eventsListed: events.length,
    changes: parsed(z.array(ZOutageChange), row.changes, []),
    reconciledParticipants: parsed(z.array(ZOutageReconciled), row.reconciled, []),
  };
}

const CSV_HEADER = [
  "section",
  "at",
  "type",
  "serial",
  "granted delta",
  "pending delta",
  "granted after",
  "pending after",
  "note",
];

/**
 * One report as CSV: the outage's moments, each failed sync, each event the backup listed, each
 * change the hand-back made on the main server, and each participant changed on both sides.
 */
export function outageCsv(report: TOutageReport): string {
  const line = (cells: Array<string | number | null>) => cells.map(csvCell).join(",");
  const lines = [CSV_HEADER.join(",")];
  lines.push(line(["last sync", report.lastSyncAt, "", "", null, null, null, null, ""]));
  for (const f of report.failedSyncs) lines.push(line(["failed sync", f.at, "", "", null, null, null, null, f.error]));
  lines.push(line(["judged down", report.judgedDownAt, "", "", null, null, null, null, ""]));
  lines.push(line(["first call served", report.firstServedAt, "", "", null, null, null, null, ""]));
  for (const e of report.events) {
    lines.push(
      line(["backup", e.at, e.type, e.serial, e.grantedDelta, e.pendingDelta, e.grantedAfter, e.pendingAfter, ""]),
    );
  }
  for (const c of report.changes) {
    lines.push(
      line([
        "hand-back",
        report.handedBackAt,
        c.type,
        c.serial,
        c.grantedDelta,
        c.pendingDelta,
        c.grantedAfter,
        c.pendingAfter,
        c.registeredOnBackup ? "registered on the backup" : "",
      ]),
    );
  }
  for (const r of report.reconciledParticipants) {
    lines.push(
      line([
        "reconciled",
        report.handedBackAt,
        "",
        r.serial,
        r.grantedAfter - r.mainGranted,
        r.pendingAfter - r.mainPending,
        r.grantedAfter,
        r.pendingAfter,
        `changed on both servers; main had ${r.mainGranted} granted, ${r.mainPending} pending`,
      ]),
    );
  }
  if (report.eventsListed < report.backupEvents) {
    lines.push(
      line([
        "note",
        null,
        "",
        "",
        null,
        null,
        null,
        null,
        `${report.backupEvents - report.eventsListed} later backup events not listed`,
      ]),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
