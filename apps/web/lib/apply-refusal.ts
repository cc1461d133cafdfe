import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { refusalOf } from "./errors";

/**
 * Puts the server's refusal next to the field it concerns: each INVALID_INPUT issue on its
 * field (or on `fallbackField` when the form names it differently), a domain refusal such as
 * POOL_BELOW_GRANTED on `fallbackField`. Returns the message.
 */
export function applyRefusal<T extends FieldValues>(
  error: unknown,
  form: Pick<UseFormReturn<T, unknown, unknown>, "setError" | "getValues">,
  fallbackField: Path<T>,
): string {
  const refusal = refusalOf(error);
  const fields = Object.entries(refusal.fields);
  if (fields.length === 0) form.setError(fallbackField, { type: "server", message: capitalise(refusal.message) });
  const known = new Set(Object.keys(form.getValues()));
  for (const [path, message] of fields) {
    const field = known.has(path.split(".")[0] ?? "") ? (path as Path<T>) : fallbackField;
    form.setError(field, { type: "server", message: `${capitalise(message)}.` });
  }
  return capitalise(refusal.message);
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
