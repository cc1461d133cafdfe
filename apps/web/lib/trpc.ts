import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@sls/server";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
