import { randomUUID } from "node:crypto";

/** A new row id whose prefix names its kind (`ptc_…` a participant, `acc_…` an account). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
