import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter, RouterInputs, RouterOutputs } from "@sls/server";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export type { RouterInputs, RouterOutputs };

/** Sent on every call: the server refuses console mutations without it (cross-site defence). */
export const CONSOLE_HEADERS = { "x-sls-console": "1" } as const;
