"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { ErrorState } from "@/components/ui/states";
import { useTRPC } from "@/lib/trpc";
import { AccountProvider } from "./account-context";

/**
 * Every console page goes through here: to the setup page while no account exists, to the
 * login page without a session. The server refuses the data anyway; this only routes people.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const state = useQuery(trpc.auth.state.queryOptions());
  const destination = !state.data
    ? null
    : state.data.setupRequired
      ? "/setup"
      : state.data.account
        ? null
        : `/login?next=${encodeURIComponent(pathname)}`;

  useEffect(() => {
    if (destination) router.replace(destination);
  }, [destination, router]);

  if (state.isError) {
    return (
      <div className="p-8">
        <ErrorState error={state.error} what="your session" onRetry={() => void state.refetch()} />
      </div>
    );
  }
  if (!state.data?.account) {
    return (
      <div role="status" className="flex min-h-screen items-center justify-center text-sm text-slate-400">
        {destination ? "Redirecting…" : "Checking your session…"}
      </div>
    );
  }
  return <AccountProvider value={state.data.account}>{children}</AccountProvider>;
}
