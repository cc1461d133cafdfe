import { PARTICIPANT_SORT_KEYS, PARTICIPANT_STATES, SORT_DIRECTIONS } from "@sls/db/vocabulary";
import { z } from "zod";
import {
  approveParticipant,
  forceRelease,
  listParticipants,
  participantDetail,
  participantHistory,
  removeParticipant,
} from "../../services/admin-participants.ts";
import { USAGE_RANGES } from "../../services/usage-sampler.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { ZSerial } from "../appliance/schemas.ts";
import { ZUsageRange } from "./overview.ts";
import { iso } from "./schemas.ts";

export const ZParticipantState = z.enum(PARTICIPANT_STATES);
export const ZParticipantSort = z.enum(PARTICIPANT_SORT_KEYS);
export type TParticipantSort = z.infer<typeof ZParticipantSort>;

export const ZParticipantListInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(10).max(200).default(50),
  sort: ZParticipantSort.default("serial"),
  direction: z.enum(SORT_DIRECTIONS).default("asc"),
  state: ZParticipantState.optional(),
  search: z.string().trim().max(100, "must be at most 100 characters").optional(),
});
export type TParticipantListInput = z.input<typeof ZParticipantListInput>;

export const ZParticipant = z.object({
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
  state: ZParticipantState,
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
export type TParticipantPage = z.infer<typeof ZParticipantPage>;

const ZCounter = z.object({ messageType: z.string(), received: z.number(), answered: z.number(), failed: z.number() });
export const ZParticipantDetail = z.object({ participant: ZParticipant, counters: z.array(ZCounter) });

export const ZHistoryOutput = z.object({
  points: z.array(z.object({ at: z.string(), granted: z.number().int(), pending: z.number().int() })),
});

const ZBySerial = z.object({ serial: ZSerial });
const ZReclaimOutput = z.object({ freed: z.number().int(), withdrawn: z.number().int() });

type ParticipantLike = Omit<TParticipant, "registeredAt" | "lastSeenAt" | "reclaimedAt"> & {
  registeredAt: Date;
  lastSeenAt: Date;
  reclaimedAt: Date | null;
};

function participantDto(p: ParticipantLike): TParticipant {
  return {
    serial: p.serial,
    hostname: p.hostname,
    model: p.model,
    platformLimit: p.platformLimit,
    localLimit: p.localLimit,
    haPeerSerial: p.haPeerSerial,
    granted: p.granted,
    pending: p.pending,
    inUse: p.inUse,
    highWater: p.highWater,
    approved: p.approved,
    state: p.state,
    registeredAt: iso(p.registeredAt),
    lastSeenAt: iso(p.lastSeenAt),
    reclaimedAt: iso(p.reclaimedAt),
  };
}

export const participantsRouter = router({
  list: viewerProcedure
    .input(ZParticipantListInput)
    .output(ZParticipantPage)
    .query(async ({ ctx, input }) => {
      const { page, pageSize, ...query } = input;
      const { rows, total } = await listParticipants(ctx.services, {
        ...query,
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      return { rows: rows.map(participantDto), total, page, pageSize };
    }),

  get: viewerProcedure
    .input(ZBySerial)
    .output(ZParticipantDetail)
    .query(async ({ ctx, input }) => {
      const { participant, counters } = await participantDetail(ctx.services, input.serial);
      return { participant: participantDto(participant), counters };
    }),

  history: viewerProcedure
    .input(ZBySerial.extend({ range: ZUsageRange }))
    .output(ZHistoryOutput)
    .query(async ({ ctx, input }) => {
      const from = new Date(ctx.services.now() - USAGE_RANGES[input.range].spanMs);
      const points = await participantHistory(ctx.services, input.serial, from);
      return { points: points.map((p) => ({ ...p, at: iso(p.at) })) };
    }),

  approve: adminProcedure
    .input(ZBySerial)
    .output(z.object({ serial: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await approveParticipant(ctx.services, ctx.account, input.serial);
      return { serial: input.serial };
    }),

  forceRelease: adminProcedure
    .input(ZBySerial)
    .output(ZReclaimOutput)
    .mutation(({ ctx, input }) => forceRelease(ctx.services, ctx.account, input.serial)),

  remove: adminProcedure
    .input(ZBySerial)
    .output(ZReclaimOutput)
    .mutation(({ ctx, input }) => removeParticipant(ctx.services, ctx.account, input.serial)),
});
