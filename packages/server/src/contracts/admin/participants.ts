import { PARTICIPANT_SORT_KEYS, PARTICIPANT_STATES, SORT_DIRECTIONS } from "@sls/db/vocabulary";
import { z } from "zod";
import { ZSerial } from "../fields.ts";
import { ZCounterRow, ZUsageRange } from "./overview.ts";

export const ZParticipantListInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(10).max(200).default(50),
  sort: z.enum(PARTICIPANT_SORT_KEYS).default("serial"),
  direction: z.enum(SORT_DIRECTIONS).default("asc"),
  state: z.enum(PARTICIPANT_STATES).optional(),
  search: z.string().trim().max(100, "must be at most 100 characters").optional(),
});
export type TParticipantListInput = z.infer<typeof ZParticipantListInput>;

const ZParticipant = z.object({
  serial: z.string(),
  hostname: z.string(),
  model: z.string(),
  platformLimit: z.number().int(),
  localLimit: z.number().int(),
  haPeerSerial: z.string().nullable(),
  granted: z.number().int(),
  pending: z.number().int(),
  inUse: z.number().int(),
  highWater: z.number().int(),
  approved: z.boolean(),
  state: z.enum(PARTICIPANT_STATES),
  registeredAt: z.string(),
  lastSeenAt: z.string(),
  reclaimedAt: z.string().nullable(),
});
export type TParticipant = z.infer<typeof ZParticipant>;

export const ZParticipantPage = z.object({
  rows: z.array(ZParticipant),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZParticipantDetail = z.object({ participant: ZParticipant, counters: z.array(ZCounterRow) });

export const ZBySerial = z.object({ serial: ZSerial });
export const ZHistoryInput = ZBySerial.extend({ range: ZUsageRange });
export const ZHistoryOutput = z.object({
  points: z.array(z.object({ at: z.string(), granted: z.number().int(), pending: z.number().int() })),
});

export const ZApproveOutput = z.object({ serial: z.string() });
/** The answer of force-release and remove: the sessions taken back and the pending demand dropped. */
export const ZReclaimOutput = z.object({ freed: z.number().int(), withdrawn: z.number().int() });
