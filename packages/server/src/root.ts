import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { adminRouter } from "./routers/admin/index.ts";
import { applianceRouter } from "./routers/appliance/index.ts";
import { authRouter } from "./routers/auth/index.ts";
import { backupRouter } from "./routers/backup/index.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  appliance: applianceRouter,
  auth: authRouter,
  admin: adminRouter,
  backup: backupRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
