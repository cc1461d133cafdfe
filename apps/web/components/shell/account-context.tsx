"use client";

import { createContext, useContext } from "react";
import type { RouterOutputs } from "@/lib/trpc";

export type Account = NonNullable<RouterOutputs["auth"]["state"]["account"]>;

const AccountContext = createContext<Account | null>(null);
export const AccountProvider = AccountContext.Provider;

/** The signed-in account; only inside the console's gate. */
export function useAccount(): Account & { canChange: boolean } {
  const account = useContext(AccountContext);
  if (!account) throw new Error("useAccount() outside the signed-in console");
  return { ...account, canChange: account.role === "admin" };
}
