export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root.ts";
export { loadEnv, EnvError, type TEnv } from "./env.ts";
export { runServer, type RunOptions } from "./run.ts";
export { startServices, type Running } from "./boot.ts";
export { createAppServer, createLicenseServer } from "./http/app-server.ts";
export { createLogger, type Logger } from "./logger.ts";
export { REASONS, SlsError, type Reason } from "./errors.ts";
export type { Services } from "./services/context.ts";
export type { AuditEventType, ParticipantSortKey, ParticipantState, SortDirection } from "@sls/db/vocabulary";
