import * as oidc from "openid-client";
import { isLoopbackUrl } from "../../../env.ts";
import type { Logger } from "../../../logger.ts";
import type { SsoSettings } from "./sso-settings.ts";

/**
 * The one ID token signing algorithm accepted: RS256, what OpenID Connect makes the default and
 * every common provider signs with. A token signed any other way (HS256 with the client secret,
 * `none`, another key type) is refused before its claims are read.
 */
const ID_TOKEN_ALG = "RS256";

/** Discovery retried after this, doubling up to RETRY_MAX_MS while the provider cannot be reached. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;
/** Each request to the provider (discovery, token, keys, userinfo) gives up after this many seconds. */
const REQUEST_TIMEOUT_SEC = 10;

export interface SsoStatus {
  /** Whether the provider's discovery document has been read: sign-in works only then. */
  reachable: boolean;
  detail: string;
}

/**
 * The link to the OpenID provider: discovery at start, retried in the background while the
 * provider cannot be reached (never fatal: the console's local accounts keep working), and the
 * client configuration every sign-in uses. Plain http is allowed only for a loopback issuer.
 */
export class SsoProvider {
  private config: oidc.Configuration | null = null;
  private discovering: Promise<oidc.Configuration | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_FIRST_MS;
  private stopped = false;
  private lastProblem = "discovery not tried yet";

  constructor(
    readonly settings: SsoSettings,
    private readonly log: Logger,
  ) {}

  /** Starts discovery; resolves once the first attempt is over, whatever its outcome. */
  async start(): Promise<void> {
    await this.discover();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  status(): SsoStatus {
    return this.config
      ? { reachable: true, detail: `discovered ${this.settings.issuer.href}` }
      : { reachable: false, detail: `${this.settings.issuer.href} not reached yet: ${this.lastProblem}` };
  }

  /** The client configuration, trying discovery once more now if it has not succeeded yet; null if it still fails. */
  async configuration(): Promise<oidc.Configuration | null> {
    return this.config ?? (await this.discover());
  }

  private discover(): Promise<oidc.Configuration | null> {
    this.discovering ??= this.tryDiscovery().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  private async tryDiscovery(): Promise<oidc.Configuration | null> {
    const { issuer, clientId, clientSecret } = this.settings;
    try {
      const config = await oidc.discovery(
        issuer,
        clientId,
        { client_secret: clientSecret, id_token_signed_response_alg: ID_TOKEN_ALG },
        oidc.ClientSecretBasic(clientSecret),
        {
          execute: [
            // Check the signature of every ID token, including those from the token endpoint.
            oidc.enableNonRepudiationChecks,
            ...(issuer.protocol === "http:" && isLoopbackUrl(issuer) ? [oidc.allowInsecureRequests] : []),
          ],
          timeout: REQUEST_TIMEOUT_SEC,
        },
      );
      this.config = config;
      if (this.timer) clearTimeout(this.timer);
      this.log.info("single sign-on: provider discovered", { issuer: issuer.href });
      return config;
    } catch (error) {
      this.lastProblem = describe(error);
      this.log.warn("single sign-on: the provider cannot be reached; retrying", {
        issuer: issuer.href,
        problem: this.lastProblem,
        retryInMs: this.retryMs,
      });
      this.scheduleRetry();
      return null;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.discover();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

/** An error's message and code, never a request's body or headers (which could carry the secret). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${typeof code === "string" ? `${code}: ` : ""}${error.message}${cause}`;
}
