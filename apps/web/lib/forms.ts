import { z } from "zod";
import type { RouterOutputs } from "./trpc";

/** The server's input rules (auth.state): the browser checks exactly what the server will. */
export type Rules = RouterOutputs["auth"]["state"]["rules"];

const count = (min: number, max: number) =>
  `Enter a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}.`;

/** A number input's text as a whole number within the rule's bounds. */
export function wholeNumber(bounds: { min: number; max: number }) {
  const message = count(bounds.min, bounds.max);
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int(message).min(bounds.min, message).max(bounds.max, message));
}

export function accountNameSchema(rules: Rules) {
  const { minLength, maxLength, pattern } = rules.accountName;
  return z
    .string()
    .trim()
    .toLowerCase()
    .min(minLength, "Enter a name.")
    .max(maxLength, `At most ${maxLength} characters.`)
    .regex(new RegExp(pattern), "Use letters, digits and . _ @ - only, starting with a letter or digit.");
}

export function newPasswordSchema(rules: Rules) {
  const { minLength, maxLength } = rules.password;
  return z
    .string()
    .min(minLength, `At least ${minLength} characters; a few words make a good password.`)
    .max(maxLength, `At most ${maxLength} characters.`);
}

export function secretSchema(rules: Rules) {
  const { minLength, maxLength, pattern } = rules.secret;
  return z
    .string()
    .min(minLength, `At least ${minLength} characters.`)
    .max(maxLength, `At most ${maxLength} characters.`)
    .regex(new RegExp(pattern), "Printable characters only, without spaces.");
}
