"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc";
import type { Rules } from "./forms";

/** The input rules; the gate has loaded them already, so this never waits inside the console. */
export function useRules(): Rules | undefined {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.state.queryOptions(), select: (state) => state.rules }).data;
}
