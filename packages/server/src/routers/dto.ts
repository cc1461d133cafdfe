import type { AccountRow } from "@sls/db";
import type { TAccount } from "../contracts/admin/accounts.ts";

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export function accountDto(
  account: Pick<AccountRow, "id" | "name" | "role" | "createdAt" | "lastLoginAt" | "fromProvider" | "breakGlass">,
): TAccount {
  return {
    id: account.id,
    name: account.name,
    role: account.role,
    createdAt: iso(account.createdAt),
    lastLoginAt: iso(account.lastLoginAt),
    fromProvider: account.fromProvider,
    breakGlass: account.breakGlass,
  };
}
