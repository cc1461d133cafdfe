import type { Store } from "@sls/db";
import type { FailureLimiter } from "../auth/rate-limit.ts";
import type { SecretChecker } from "../auth/secret.ts";
import type { Logger } from "../logger.ts";
import type { MessageCounters } from "./counters.ts";

/** Everything a request handler may use, built once per process (see create-services.ts). */
export interface Services {
  store: Store;
  now: () => number;
  secrets: SecretChecker;
  secretFailures: FailureLimiter;
  counters: MessageCounters;
  log: Logger;
  serverId: string;
}
