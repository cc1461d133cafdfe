import type { AccountRow, AuditInput } from "@sls/db";
import type { Services } from "../context.ts";

/**
 * Who makes an admin call: the signed-in account, or, for a call with an API token, the token's
 * creator with the token's scope as its role and the token named in `apiToken`.
 */
export type AdminCaller = AccountRow & { apiToken?: { id: string; name: string } };

/**
 * How an administrator appears as the actor of audit rows: `admin:<name>` (`admin:sso:<name>` for
 * an account from single sign-on: a local name cannot hold a colon), and for a call made with an
 * API token `admin:<creator> via API token <name> (<id>)`, so a filter on `admin:<name>` finds both.
 */
export function adminActor(
  caller: Pick<AdminCaller, "name" | "apiToken"> & Partial<Pick<AccountRow, "fromProvider">>,
): string {
  const via = caller.apiToken ? ` via API token ${caller.apiToken.name} (${caller.apiToken.id})` : "";
  return `${caller.fromProvider ? "admin:sso:" : "admin:"}${caller.name}${via}`;
}

/** An administrator action that changes nothing else, e.g. a sign-in: its own short transaction. */
export async function recordAdminEvent(
  services: Pick<Services, "store" | "now">,
  event: Omit<AuditInput, "at">,
): Promise<void> {
  await services.store.inPoolTransaction((tx) => tx.audit([{ ...event, at: new Date(services.now()) }]));
}
