// The testing kit of the server's tests, the participant client's tests, the browser tests and
// the benchmark (`@sls/server/testing`). It lives outside src/ so that no product code can
// import it. What loads the server itself (`in-process.ts`, `test-server.ts`, `backup-pair.ts`)
// or serves one kind of test (`alert-receivers.ts`, `backup-peer.ts`, `console-client.ts`,
// `raw-http.ts`, `closing-server.ts`) is imported by its own path, so that the browser tests and
// the participant's unit tests do not load Prisma.
export {
  applianceClient,
  createApiClient,
  type Fetch,
  ConsoleClient,
  reasonOf,
  retryingOverloaded,
  SIGN_IN,
  settle,
  setUpAdmin,
  signedInViewer,
  type ApiClient,
  type ApplianceClientOptions,
  type ConsoleHeaders,
  type Refusal,
  type Settled,
} from "./clients.ts";
export {
  freshDatabase,
  freshSqlite,
  providers,
  TEST_POSTGRES_URL,
  type FreshDatabase,
  type ProviderName,
} from "./databases.ts";
export { seedFleet, type FleetOptions, type FleetTarget, type SeededParticipant } from "./fleet.ts";
export {
  checkLedger,
  expectLedgerBalanced,
  type LedgerCheck,
  type LedgerReading,
  type LedgerSource,
  type LedgerSums,
  readLedger,
} from "./ledger.ts";
export { waitForHealth, type HealthWaitOptions } from "./health.ts";
export { freePort, startServerProcess, type ServerProcess } from "./processes.ts";
export { removeTemporaryFolder, removeTemporaryFolders, temporaryFolder } from "./temporary-folders.ts";
export { makeTestCertificate, type TestCertificate } from "./tls-certificate.ts";
export {
  applianceCall,
  type FloodSummary,
  percentile,
  requestAndRelease,
  runTokenFlood,
} from "./token-flood.ts";
export { eventually, waitFor, type WaitOptions } from "./wait-for.ts";
