import type { AccountRow, AuditInput } from "@sls/db";
import type { Services } from "../context.ts";

/**
 * How an administrator appears as the actor of audit rows: `admin:<name>`, and
 * `admin:sso:<name>` for an account from single sign-on (a local name cannot hold a colon).
 */
export function adminActor(account: Pick<AccountRow, "name"> & Partial<Pick<AccountRow, "fromProvider">>): string {
  return account.fromProvider ? `admin:sso:${account.name}` : `admin:${account.name}`;
}

/** An administrator action that changes nothing else, e.g. a sign-in: its own short transaction. */
export async function recordAdminEvent(
  services: Pick<Services, "store" | "now">,
  event: Omit<AuditInput, "at">,
): Promise<void> {
  await services.store.inPoolTransaction((tx) => tx.audit([{ ...event, at: new Date(services.now()) }]));
}
