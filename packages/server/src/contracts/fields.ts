import { z } from "zod";
import { SERIAL_CHARACTERS, SERIAL_MAX_LENGTH } from "./serial.ts";

/** An appliance's serial number, as appliances send it and the console names them. */
export const ZSerial = z
  .string()
  .min(1, "must be 1–64 characters")
  .max(SERIAL_MAX_LENGTH, "must be 1–64 characters")
  .regex(SERIAL_CHARACTERS, "may contain only A–Z a–z 0–9 . _ -");

export const ZCount = (max: number) =>
  z
    .number()
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(max, `must be at most ${max.toLocaleString("en-US")}`);

const range = (min: number, max: number) =>
  `must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;

/** A whole number in [min, max] with one message for every way to miss. */
export const ZWholeNumber = (bounds: { min: number; max: number }) =>
  z
    .number(range(bounds.min, bounds.max))
    .int(range(bounds.min, bounds.max))
    .min(bounds.min, range(bounds.min, bounds.max))
    .max(bounds.max, range(bounds.min, bounds.max));

export const ZOk = z.object({ ok: z.literal(true) });
