import type { Store } from "@sls/db";
import type { FailureLimiter } from "../auth/rate-limit.ts";
import type { SecretChecker } from "../auth/secret.ts";
import type { AddressSet } from "../http/ip-address.ts";
import type { Logger } from "../logger.ts";
import type { Scheme } from "./backup/address.ts";
import type { BackupAddressCheck } from "./backup/address-check.ts";
import type { ServingPolicy } from "./backup/serving.ts";
import type { ServerMetrics } from "../metrics/server-metrics.ts";
import type { MessageCounters } from "./counters.ts";
import type { PoolQueue } from "./pool/pool-queue.ts";
import type { Leases } from "./leases/leases.ts";
import type { ShedCounter } from "./shed-counter.ts";
import type { SettingsCache } from "./settings-cache.ts";
import type { SetupCodes } from "./setup-code.ts";
import type { Startup } from "./startup.ts";
import type { SsoProvider } from "./admin/sso/sso-provider.ts";

/** Everything a request handler may use, built once per process (see boot.ts). */
export interface Services {
  store: Store;
  now: () => number;
  secrets: SecretChecker;
  secretFailures: FailureLimiter;
  /** Failed console sign-ins, per account name and per address (services/admin/auth.ts). */
  loginFailures: FailureLimiter;
  /** Single sign-on with an OpenID provider (SLS_OIDC_*), null when not configured. */
  sso: SsoProvider | null;
  /** SLS_LOCAL_LOGIN=on: every local account may sign in with its password; off: break-glass accounts only. */
  localLogin: boolean;
  /** The one-time code `auth.setup` asks for while no account exists. */
  setupCodes: SetupCodes;
  /** Reverse proxies whose X-Forwarded-For names the client (SLS_TRUST_PROXY; http/remote-address.ts). */
  trustedProxies: AddressSet;
  counters: MessageCounters;
  /** Prometheus metrics of this process (GET /metrics); observing is a map update, no I/O. */
  metrics: ServerMetrics;
  log: Logger;
  serverId: string;
  /** https when this server runs TLS: a server address typed without a scheme gets this one. */
  scheme: Scheme;
  /** SLS_ALERT_ALLOW_LOCAL_DESTINATIONS: alert channels may point at loopback and link-local hosts. */
  allowLocalAlertDestinations: boolean;
  /** Runs grant-changing work under the pool lock, batching concurrent calls (group commit). */
  poolQueue: PoolQueue;
  /** Settings for the refresh fast path, at most a second old. */
  settings: SettingsCache;
  role: "main" | "backup";
  serving: ServingPolicy;
  /** Whether the backup's address answered this process's last hand-back call (the backup card). */
  backupCheck: BackupAddressCheck;
  /** What a process that already listens still waits for (its leases): appliance calls are refused STARTING meanwhile. */
  startup: Startup;
  /** Fast check run before every appliance call (STARTING while starting, BACKUP_INACTIVE on an inactive backup). */
  assertServing(): void;
  /** Calls refused as OVERLOADED in the last minute, for the overview. */
  shed: ShedCounter;
  /** Leases in memory: refresh answered and renewed there, written behind (services/leases). */
  leases: Leases;
}
