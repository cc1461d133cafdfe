"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useTRPC } from "@/lib/trpc";

/** Leaves the setup or login page for wherever the current state says one belongs. */
export function useAuthRedirect(page: "setup" | "login", next: string) {
  const trpc = useTRPC();
  const router = useRouter();
  const state = useQuery(trpc.auth.state.queryOptions());
  const target = !state.data
    ? null
    : state.data.account
      ? next
      : state.data.setupRequired
        ? page === "setup"
          ? null
          : "/setup"
        : page === "login"
          ? null
          : "/login";
  useEffect(() => {
    if (target) router.replace(target);
  }, [router, target]);
  return { state, leaving: target !== null };
}
