import { ApplianceError, UnreachableError } from "../../src/errors.ts";
import type { Calls, Verb } from "../../src/protocol.ts";
import type { CallOptions, Transport } from "../../src/transport.ts";

/**
 * How a fake server behaves: answers; refuses the connection; never answers; carries the call
 * out but the answer is lost on the way back; is an inactive backup; sheds every call as
 * `OVERLOADED` with `retryAfterMs`; or is still starting (`STARTING` with `retryAfterMs`).
 */
export type Mode = "up" | "down" | "hang" | "lose-answers" | "inactive" | "overloaded" | "starting";

interface Holder {
  serial: string;
  granted: number;
  pending: number;
  platformLimit: number;
  localLimit: number;
  haPeerSerial: string | undefined;
  inUse: number;
}

/** A small in-memory licensing server: the spec's rules for one pool, enough to drive the client. */
export class FakeServer {
  mode: Mode = "up";
  readonly calls: Array<{ verb: Verb; input: unknown; token: string | undefined }> = [];
  readonly holders = new Map<string, Holder>();
  private readonly tokens = new Map<string, string>();
  private readonly applied = new Map<string, Calls["request"]["answer"]>();
  private tokenCount = 0;
  backup: { address: string } | null = null;
  refreshIntervalSec = 30;
  /** What an `overloaded` server tells callers to wait. */
  retryAfterMs = 1_000;
  /** Set to make the next answers wait until `release()` (a slow server). */
  private held: Array<() => void> | null = null;

  constructor(
    readonly baseUrl: string,
    public poolSize = 1000,
    private readonly secret = "s3cret",
  ) {}

  get available(): number {
    return this.poolSize - [...this.holders.values()].reduce((sum, h) => sum + h.granted, 0);
  }

  holder(serial: string): Holder {
    const holder = this.holders.get(serial);
    if (!holder) throw new Error(`${serial} is not registered`);
    return holder;
  }

  callsOf(verb: Verb) {
    return this.calls.filter((call) => call.verb === verb);
  }

  /** Takes a participant's grant and pending away, as the server does after 3 silent intervals. */
  reclaim(serial: string): void {
    const holder = this.holder(serial);
    holder.granted = 0;
    holder.pending = 0;
    this.serveQueue();
  }

  handle<V extends Verb>(verb: V, input: Calls[V]["input"], token: string | undefined): Calls[V]["answer"] {
    this.calls.push({ verb, input, token });
    if (verb === "register") return this.register(input as Calls["register"]["input"]) as never;
    const serial = token ? this.tokens.get(token) : undefined;
    if (!serial) throw refusal("UNAUTHORIZED", "BAD_TOKEN");
    const holder = this.holder(serial);
    switch (verb) {
      case "request":
        return this.request(holder, input as Calls["request"]["input"]) as never;
      case "refresh":
        holder.inUse = (input as Calls["refresh"]["input"]).inUse;
        return {
          granted: holder.granted,
          pending: holder.pending,
          refreshIntervalSec: this.refreshIntervalSec,
          backup: this.backup,
        } as never;
      case "release":
        return this.release(holder, (input as Calls["release"]["input"]).sessions) as never;
      default:
        return this.transfer(holder, (input as Calls["transfer"]["input"]).fromSerial) as never;
    }
  }

  private register(input: Calls["register"]["input"]): Calls["register"]["answer"] {
    if (input.secret !== this.secret) throw refusal("UNAUTHORIZED", "BAD_SECRET");
    const token = `tok-${new URL(this.baseUrl).hostname}-${input.serial}-${++this.tokenCount}`;
    for (const [old, serial] of this.tokens) if (serial === input.serial) this.tokens.delete(old);
    this.tokens.set(token, input.serial);
    const existing = this.holders.get(input.serial);
    const holder: Holder = existing ?? {
      serial: input.serial,
      granted: 0,
      pending: 0,
      inUse: 0,
      platformLimit: 0,
      localLimit: 0,
      haPeerSerial: undefined,
    };
    Object.assign(holder, {
      platformLimit: input.platformLimit,
      localLimit: input.localLimit,
      haPeerSerial: input.haPeerSerial,
    });
    this.holders.set(input.serial, holder);
    return {
      token,
      role: "participant",
      refreshIntervalSec: this.refreshIntervalSec,
      granted: holder.granted,
      pending: holder.pending,
      backup: this.backup,
    };
  }

  private request(holder: Holder, input: Calls["request"]["input"]): Calls["request"]["answer"] {
    const key = `${holder.serial}/${input.requestId}`;
    const replay = this.applied.get(key);
    if (replay) return replay;
    if (input.sessions <= 0 || input.sessions % 50 !== 0) throw refusal("BAD_REQUEST", "NOT_A_MULTIPLE_OF_50");
    const ask = Math.min(input.sessions, holder.platformLimit - holder.localLimit - holder.granted - holder.pending);
    const added = Math.min(ask, this.available);
    holder.granted += added;
    holder.pending += ask - added;
    const answer = {
      granted: holder.granted,
      added,
      pending: holder.pending,
      refreshIntervalSec: this.refreshIntervalSec,
    };
    this.applied.set(key, answer);
    return answer;
  }

  private release(holder: Holder, sessions: number): Calls["release"]["answer"] {
    if (sessions > holder.granted) throw refusal("BAD_REQUEST", "RELEASE_EXCEEDS_GRANT");
    holder.granted -= sessions;
    holder.pending = 0;
    this.serveQueue();
    return { granted: holder.granted, pending: holder.pending };
  }

  private transfer(holder: Holder, fromSerial: string): Calls["transfer"]["answer"] {
    const from = this.holders.get(fromSerial);
    if (!from || (from.haPeerSerial !== holder.serial && holder.haPeerSerial !== fromSerial))
      throw refusal("FORBIDDEN", "NOT_HA_PEER");
    holder.granted += from.granted;
    holder.pending += from.pending;
    from.granted = 0;
    from.pending = 0;
    return { granted: holder.granted, pending: holder.pending };
  }

  /** Freed sessions go to whoever waits (one participant at a time is enough for these tests). */
  private serveQueue(): void {
    for (const holder of this.holders.values()) {
      const served = Math.min(holder.pending, this.available);
      holder.granted += served;
      holder.pending -= served;
    }
  }

  /** From now on every call is refused as OVERLOADED, telling callers to wait `retryAfterMs`. */
  shed(retryAfterMs: number): void {
    this.mode = "overloaded";
    this.retryAfterMs = retryAfterMs;
  }

  /** From now on every call is refused as STARTING (a process loading its leases), telling callers to wait `retryAfterMs`. */
  starting(retryAfterMs: number): void {
    this.mode = "starting";
    this.retryAfterMs = retryAfterMs;
  }

  holdAnswers(): void {
    this.held = [];
  }

  releaseAnswers(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const go of held) go();
  }

  async answer<V extends Verb>(
    verb: V,
    input: Calls[V]["input"],
    token: string | undefined,
  ): Promise<Calls[V]["answer"]> {
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    return this.handle(verb, input, token);
  }
}

function refusal(code: string, reason: string, details: { retryAfterMs?: number } = {}): ApplianceError {
  const status =
    { UNAUTHORIZED: 401, BAD_REQUEST: 400, FORBIDDEN: 403, TOO_MANY_REQUESTS: 429, SERVICE_UNAVAILABLE: 503 }[code] ??
    500;
  return new ApplianceError(code, reason, `${reason} (fake server)`, status, details);
}

/** Routes calls to fake servers by base URL; an address with no server is unreachable. */
export class FakeTransport implements Transport {
  readonly servers = new Map<string, FakeServer>();

  add(server: FakeServer): FakeServer {
    this.servers.set(server.baseUrl, server);
    return server;
  }

  async call<V extends Verb>(
    baseUrl: string,
    verb: V,
    input: Calls[V]["input"],
    options: CallOptions = {},
  ): Promise<Calls[V]["answer"]> {
    const server = this.servers.get(baseUrl);
    if (!server || server.mode === "down")
      throw new UnreachableError(baseUrl, `connection refused by ${baseUrl} (fake)`);
    if (server.mode === "hang" || server.mode === "lose-answers") {
      if (server.mode === "hang") server.calls.push({ verb, input, token: options.token });
      else server.handle(verb, input, options.token);
      return new Promise((_, reject) =>
        options.signal?.addEventListener("abort", () => reject(new UnreachableError(baseUrl, "aborted"))),
      );
    }
    if (server.mode === "inactive" || server.mode === "overloaded" || server.mode === "starting") {
      server.calls.push({ verb, input, token: options.token });
      if (server.mode === "inactive") throw refusal("SERVICE_UNAVAILABLE", "BACKUP_INACTIVE");
      if (server.mode === "starting")
        throw refusal("SERVICE_UNAVAILABLE", "STARTING", { retryAfterMs: server.retryAfterMs });
      throw refusal("TOO_MANY_REQUESTS", "OVERLOADED", { retryAfterMs: server.retryAfterMs });
    }
    return server.answer(verb, input, options.token);
  }
}
