import { GRANT_EVENT_TYPES, RECLAIM_EVENT_TYPES, REGISTRATION_EVENT_TYPES } from "@sls/db/vocabulary";
import { z } from "zod";

const ZIso = z.iso.datetime({ offset: true });

/** What a backup did while it served, as an outage report lists it: registrations, grant changes, releases, reclaims. */
export const OUTAGE_EVENT_TYPES = [...REGISTRATION_EVENT_TYPES, ...GRANT_EVENT_TYPES, ...RECLAIM_EVENT_TYPES] as const;
/** Events listed one by one in a report; past this only their counts (complete) are kept. */
export const MAX_OUTAGE_EVENTS = 10_000;

export const ZOutageEvent = z.object({
  at: ZIso,
  type: z.enum(OUTAGE_EVENT_TYPES),
  serial: z.string().max(64).nullable(),
  grantedDelta: z.number().int(),
  pendingDelta: z.number().int(),
  grantedAfter: z.number().int().nullable(),
  pendingAfter: z.number().int().nullable(),
});
export type TOutageEvent = z.infer<typeof ZOutageEvent>;

export const ZFailedSync = z.object({ at: ZIso, error: z.string().max(500) });

/** The backup's account of its outage, carried by backup.handback's answer (handback-send.ts). */
export const ZOutageStory = z.object({
  /** When it judged the main server down; null when it did not record it (it restarted while armed). */
  judgedDownAt: ZIso.nullable(),
  /** Its last applied sync before the failures. */
  lastSyncAt: ZIso.nullable(),
  failedSyncs: z.array(ZFailedSync).max(50),
  /** Its first appliance call served: when it became active. */
  firstServedAt: ZIso,
  events: z.array(ZOutageEvent).max(MAX_OUTAGE_EVENTS),
  /** How many events of each type, those past the list's cap included. */
  eventCounts: z.partialRecord(z.enum(OUTAGE_EVENT_TYPES), z.number().int().min(0)),
});
export type TOutageStory = z.infer<typeof ZOutageStory>;
