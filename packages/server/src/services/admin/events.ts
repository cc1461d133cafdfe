import type { AccountRow, AuditInput } from "@sls/db";
import type { Services } from "../context.ts";

/** How an administrator appears as the actor of audit rows. */
export function adminActor(account: Pick<AccountRow, "name">): string {
  return `admin:${account.name}`;
}

/** An administrator action that changes nothing else, e.g. a sign-in: its own short transaction. */
export async function recordAdminEvent(
  services: Pick<Services, "store" | "now">,
  event: Omit<AuditInput, "at">,
): Promise<void> {
  await services.store.inPoolTransaction((tx) => tx.audit([{ ...event, at: new Date(services.now()) }]));
}
