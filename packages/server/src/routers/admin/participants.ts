import type { ParticipantRow, ParticipantState } from "@sls/db";
import {
  type TParticipant,
  ZApproveOutput,
  ZBySerial,
  ZHistoryInput,
  ZHistoryOutput,
  ZParticipantDetail,
  ZParticipantListInput,
  ZParticipantPage,
  ZReclaimOutput,
} from "../../contracts/admin/participants.ts";
import {
  approveParticipant,
  forceRelease,
  listParticipants,
  participantDetail,
  participantHistory,
  removeParticipant,
} from "../../services/admin/participants.ts";
import { USAGE_RANGES } from "../../services/capacity/usage-sampler.ts";
import { adminProcedure, router, viewerProcedure } from "../../trpc.ts";
import { iso } from "../dto.ts";

function participantDto(p: ParticipantRow & { state: ParticipantState }): TParticipant {
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
      const { rows, total } = await listParticipants(ctx.services, input);
      return { rows: rows.map(participantDto), total, page: input.page, pageSize: input.pageSize };
    }),

  get: viewerProcedure
    .input(ZBySerial)
    .output(ZParticipantDetail)
    .query(async ({ ctx, input }) => {
      const { participant, counters } = await participantDetail(ctx.services, input.serial);
      return { participant: participantDto(participant), counters };
    }),

  history: viewerProcedure
    .input(ZHistoryInput)
    .output(ZHistoryOutput)
    .query(async ({ ctx, input }) => {
      const from = new Date(ctx.services.now() - USAGE_RANGES[input.range].spanMs);
      const points = await participantHistory(ctx.services, input.serial, from);
      return { points: points.map((p) => ({ ...p, at: iso(p.at) })) };
    }),

  approve: adminProcedure
    .input(ZBySerial)
    .output(ZApproveOutput)
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
