import { z } from "zod";
import { ZFailedSync, ZOutageEvent } from "../../services/backup/outage-wire.ts";

export const ZOutageId = z.object({
  id: z.string().trim().min(1, "is required").max(64, "must be at most 64 characters"),
});

/** `type`: `handback` (the backup's figures taken) or how the merge then served the queue (`grant-pending`). */
export const ZOutageChange = z.object({
  serial: z.string(),
  type: z.string(),
  grantedDelta: z.number().int(),
  pendingDelta: z.number().int(),
  grantedAfter: z.number().int(),
  pendingAfter: z.number().int(),
  registeredOnBackup: z.boolean(),
});

/** A participant changed on both servers: this server's figures before the merge, and after it. */
export const ZOutageReconciled = z.object({
  serial: z.string(),
  mainGranted: z.number().int(),
  mainPending: z.number().int(),
  grantedAfter: z.number().int(),
  pendingAfter: z.number().int(),
});

const ZOutageSummary = z.object({
  id: z.string(),
  judgedDownAt: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  firstServedAt: z.string(),
  handedBackAt: z.string(),
  /** The backup's registrations, grant changes, releases and reclaims, by audit type. */
  eventCounts: z.record(z.string(), z.number().int()),
  backupEvents: z.number().int(),
  changedOnMain: z.number().int(),
  reconciled: z.number().int(),
});

export const ZOutageList = z.array(ZOutageSummary);

export const ZOutageReport = ZOutageSummary.extend({
  failedSyncs: z.array(ZFailedSync),
  events: z.array(ZOutageEvent),
  /** Fewer than `backupEvents` when the backup listed only the first of them. */
  eventsListed: z.number().int(),
  changes: z.array(ZOutageChange),
  reconciledParticipants: z.array(ZOutageReconciled),
});
export type TOutageReport = z.infer<typeof ZOutageReport>;
export type TOutageChange = z.infer<typeof ZOutageChange>;
export type TOutageReconciled = z.infer<typeof ZOutageReconciled>;
export type TOutageSummary = z.infer<typeof ZOutageSummary>;

export const ZOutageExport = z.object({ filename: z.string(), csv: z.string() });
