import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SeenNonces } from "./seen-nonces.ts";

/** How far the two servers' clocks may differ; a message older or newer than this is refused. */
export const LINK_SKEW_MS = 2 * 60_000;
const NONCE_CAPACITY = 10_000;

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

/** What a message is for: a request, or the answer to the request with this nonce. */
export type LinkPurpose = `${"sync" | "handback"}-request` | `${"sync" | "handback"}-answer:${string}`;

export class LinkRefusal extends Error {
  constructor(
    readonly kind: "bad-mac" | "stale" | "replayed" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The backup link key (SLS_BACKUP_KEY, the same on both servers) authenticates every message of
 * backup.sync and backup.handback, in both directions. Each message is accepted once within the
 * allowed clock skew; an answer names the nonce of its request, so it cannot answer another.
 */
export class BackupLink {
  private readonly seen = new SeenNonces(LINK_SKEW_MS, NONCE_CAPACITY);

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

  /** Checks the MAC, the time and the nonce, then the payload against `schema`; throws LinkRefusal. */
  open<T>(purpose: LinkPurpose, message: unknown, schema: z.ZodType<T>): T {
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
    const refusal = this.seen.claim(nonce, at, this.now());
    if (refusal === "stale") {
      throw new LinkRefusal(
        "stale",
        `the message is stamped ${new Date(at).toISOString()}, more than ${LINK_SKEW_MS / 1000} s from this server's clock (or older than messages already seen)`,
      );
    }
    if (refusal === "replayed") throw new LinkRefusal("replayed", "the message was already received once (a replay)");
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

  private mac(purpose: LinkPurpose, at: number, nonce: string, body: string): string {
    return createHmac("sha256", this.key)
      .update(`sls-backup-link\n${purpose}\n${at}\n${nonce}\n`)
      .update(body)
      .digest("hex");
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}
