export { createPrismaClient, providerOf, createFreshPostgresDatabase, type Db, type Provider } from "./client.ts";
export { applyMigrations } from "./migrate.ts";
export { Store, ServerNotSeededError } from "./store/store.ts";
export { PoolTransaction } from "./store/pool-transaction.ts";
export type * from "./store/rows.ts";
