import { z } from "zod";
import { register } from "../../services/appliance/registration.ts";
import { applianceProcedure } from "../../trpc.ts";
import { ZBackup, ZCount, ZSerial } from "./schemas.ts";

export const ZRegisterInput = z
  .object({
    secret: z.string().min(1, "is required").max(128, "must be at most 128 characters"),
    serial: ZSerial,
    hostname: z.string().min(1, "must be 1–253 characters").max(253, "must be 1–253 characters"),
    model: z.string().min(1, "must be 1–64 characters").max(64, "must be 1–64 characters"),
    platformLimit: ZCount(1_000_000).min(1, "must be at least 1"),
    localLimit: ZCount(1_000_000),
    haPeerSerial: ZSerial.optional(),
  })
  .refine((input) => input.localLimit <= input.platformLimit, {
    path: ["localLimit"],
    message: "must not exceed platformLimit",
  })
  .refine((input) => input.haPeerSerial !== input.serial, {
    path: ["haPeerSerial"],
    message: "must name the other unit of the failover pair, not this one",
  });
export type TRegisterInput = z.infer<typeof ZRegisterInput>;

export const ZRegisterOutput = z.object({
  token: z.string(),
  role: z.enum(["participant", "backup"]),
  refreshIntervalSec: z.number().int(),
  granted: z.number().int(),
  pending: z.number().int(),
  backup: ZBackup,
});
export type TRegisterOutput = z.infer<typeof ZRegisterOutput>;

export const registerProcedure = applianceProcedure
  .input(ZRegisterInput)
  .output(ZRegisterOutput)
  .mutation(async ({ ctx, input }) => {
    const { participantId, answer } = await register(ctx.services, input, ctx.remoteAddress, ctx.arrivedAt);
    ctx.call.participantId = participantId;
    return answer;
  });
