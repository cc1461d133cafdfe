import { MINUTE_MS } from "@sls/allocator";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** How far the two servers' clocks may differ; a message older or newer than this is refused. */
export const LINK_SKEW_MS = 2 * MINUTE_MS;

/**
 * A message between the main server and its backup: `body` is the JSON text of the payload,
 * `mac` an HMAC-SHA256 keyed by SLS_BACKUP_KEY over the purpose, the time, the nonce and the body.
 */
export const ZSealed = z.object({
  at: z.number().int(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, "must be 22–64 characters of A–Z a–z 0–9 _ -"),
  body: z.string(),
  mac: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hexadecimal characters"),
});
export type TSealed = z.infer<typeof ZSealed>;

type LinkCall = "sync" | "handback" | "register";
/** A request: accepted once, across every process on the database (see NonceClaims). */
export type RequestPurpose = `${LinkCall}-request`;
/**
 * The answer to the request with this nonce. The MAC binds it to that nonce and only the caller
 * waiting for that request opens it, once, so answers need no nonce table.
 */
export type AnswerPurpose = `${LinkCall}-answer:${string}`;
export type LinkPurpose = RequestPurpose | AnswerPurpose;

export class LinkRefusal extends Error {
  constructor(
    readonly kind: "bad-mac" | "stale" | "replayed" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/** Where a request's nonce is claimed: false when it was claimed before (a replay). */
export interface NonceClaims {
  claim(nonce: string, at: number, now: number): Promise<boolean>;
}

/**
 * The backup link key (SLS_BACKUP_KEY, the same on both servers) authenticates every message of
 * backup.register, backup.sync and backup.handback, in both directions. Each message must be
 * stamped within the allowed clock skew; a request is accepted once (its nonce claimed in the
 * database), an answer only as the answer to the request it names.
 */
export class BackupLink {
  constructor(
    private readonly key: string,
    private readonly now: () => number,
  ) {}

  seal(purpose: LinkPurpose, payload: unknown): TSealed {
    const at = this.now();
    const nonce = randomBytes(18).toString("base64url");
    const body = JSON.stringify(payload);
    return { at, nonce, body, mac: this.mac(purpose, at, nonce, body) };
  }

  /** Checks a request's MAC and time, claims its nonce, then checks the payload; rejects with LinkRefusal. */
  async openRequest<T>(
    purpose: RequestPurpose,
    message: unknown,
    schema: z.ZodType<T>,
    nonces: NonceClaims,
  ): Promise<T> {
    const sealed = this.verify(purpose, message);
    // Claimed before the payload is parsed: a signed message is accepted at most once either way.
    if (!(await nonces.claim(sealed.nonce, sealed.at, this.now()))) {
      throw new LinkRefusal("replayed", "the message was already received once (a replay)");
    }
    return parseBody(sealed.body, schema);
  }

  /** Checks an answer's MAC (bound to its request's nonce by `purpose`), its time and its payload; throws LinkRefusal. */
  open<T>(purpose: AnswerPurpose, message: unknown, schema: z.ZodType<T>): T {
    return parseBody(this.verify(purpose, message).body, schema);
  }

  private verify(purpose: LinkPurpose, message: unknown): TSealed {
    const sealed = ZSealed.safeParse(message);
    if (!sealed.success)
      throw new LinkRefusal("invalid", `the message is not a sealed backup-link message: ${describe(sealed.error)}`);
    const { at, nonce, body, mac } = sealed.data;
    const expected = Buffer.from(this.mac(purpose, at, nonce, body), "hex");
    if (!timingSafeEqual(expected, Buffer.from(mac, "hex"))) {
      throw new LinkRefusal(
        "bad-mac",
        "the message is not signed with this server's SLS_BACKUP_KEY; set the same key on both servers",
      );
    }
    if (Math.abs(this.now() - at) > LINK_SKEW_MS) {
      throw new LinkRefusal(
        "stale",
        `the message is stamped ${new Date(at).toISOString()}, more than ${LINK_SKEW_MS / 1000} s from this server's clock`,
      );
    }
    return sealed.data;
  }

  private mac(purpose: LinkPurpose, at: number, nonce: string, body: string): string {
    return createHmac("sha256", this.key)
      .update(`sls-backup-link\n${purpose}\n${at}\n${nonce}\n`)
      .update(body)
      .digest("hex");
  }
}

function parseBody<T>(body: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new LinkRefusal("invalid", "the message body is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new LinkRefusal("invalid", `the message does not match its schema: ${describe(parsed.error)}`);
  return parsed.data;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}
