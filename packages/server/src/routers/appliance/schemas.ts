import { z } from "zod";

export const ZSerial = z
  .string()
  .min(1, "must be 1–64 characters")
  .max(64, "must be 1–64 characters")
  .regex(/^[A-Za-z0-9._-]+$/, "may contain only A–Z a–z 0–9 . _ -");

export const ZBackup = z.object({ address: z.string() }).nullable();

export const ZCount = (max: number) =>
  z
    .number()
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(max, `must be at most ${max.toLocaleString("en-US")}`);
