import { createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { RULES } from "../contracts/rules.ts";
import { scryptSlots } from "./hash-slots.ts";

/** The shared secret's cost: N=2^14, r=8, p=1 (16 MiB, tens of milliseconds). */
const SECRET_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * One scrypt run, in one of the process's few hashing slots (or refused with OVERLOADED); a
 * `suspect` caller (its address failed lately) may not take the last one (auth/hash-slots.ts).
 */
function deriveKey(secret: string, salt: Buffer, cost: ScryptCost, suspect = false): Promise<Buffer> {
  return scryptSlots.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEM }, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
    suspect,
  );
}

/**
 * Whether a secret has the minimum length (`RULES.secret.minLength`): "long", "short", or
 * "unknown" for a verifier written before verifiers recorded it, until the secret is seen.
 */
export type TSecretLength = "long" | "short" | "unknown";

const lengthOf = (secret: string): TSecretLength => (secret.length >= RULES.secret.minLength ? "long" : "short");

/** A salted scrypt verifier: `scrypt$N$r$p$salt$hash` (base64). The secret itself is never stored. */
export async function hashSecret(secret: string, cost: ScryptCost = SECRET_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(secret, salt, cost);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/**
 * The shared secret's verifier: `hashSecret`'s with its length class appended (`$long` or
 * `$short`), so that a secret shorter than the minimum can be warned about without being stored.
 */
export async function hashSharedSecret(secret: string): Promise<string> {
  return `${await hashSecret(secret)}$${lengthOf(secret)}`;
}

/** What a shared secret's verifier records about its length (older verifiers record nothing). */
export function recordedLength(verifier: string): TSecretLength {
  const recorded = verifier.split("$")[6];
  return recorded === "long" || recorded === "short" ? recorded : "unknown";
}

export async function verifySecret(secret: string, verifier: string, suspect = false): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = verifier.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const actual = await deriveKey(secret, Buffer.from(salt, "base64"), cost, suspect);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The shared secret is the same for the whole fleet, so a fleet registering at once presents
 * one secret thousands of times. After it has verified once against the current verifier, it is
 * remembered as an HMAC-SHA256 under a random key that never leaves this process, and later
 * calls compare that in constant time (microseconds, no scrypt). Calls presenting a secret
 * whose check is already running wait for that check instead of starting their own. Any other
 * secret still costs a full scrypt, and a new verifier (the secret rotated) forgets the old one.
 */
export class SecretChecker {
  private readonly key = randomBytes(32);
  private remembered: { verifier: string; mac: Buffer; length: TSecretLength } | null = null;
  private readonly running = new Map<string, Promise<boolean>>();

  /** The length of `verifier`'s secret: recorded in it, or learned when it last verified here. */
  lengthOf(verifier: string): TSecretLength {
    const recorded = recordedLength(verifier);
    if (recorded !== "unknown") return recorded;
    return this.remembered?.verifier === verifier ? this.remembered.length : "unknown";
  }

  /** Whether `secret` is the one that last verified against `verifier`. */
  remembers(secret: string, verifier: string): boolean {
    const known = this.remembered;
    return known !== null && known.verifier === verifier && timingSafeEqual(known.mac, this.mac(secret));
  }

  /** The check of this very secret against `verifier` that is running now, if any. */
  inProgress(secret: string, verifier: string): Promise<boolean> | undefined {
    const key = this.flightKey(this.mac(secret), verifier);
    return this.running.get(key) ?? this.running.get(`guess ${key}`);
  }

  /**
   * Runs `check` (which decides whether `secret` is right) as the one check of this secret in
   * flight: it is registered before `check` starts, so calls presenting the same secret meanwhile
   * find it with `inProgress` instead of each taking a guess of their own.
   */
  singleFlight(secret: string, verifier: string, check: () => Promise<boolean>): Promise<boolean> {
    // Its own key: `check` itself calls `matches`, which must not find this flight and wait for itself.
    const key = `guess ${this.flightKey(this.mac(secret), verifier)}`;
    const known = this.running.get(key);
    if (known) return known;
    const flight = check().finally(() => {
      if (this.running.get(key) === flight) this.running.delete(key);
    });
    this.running.set(key, flight);
    return flight;
  }

  async matches(secret: string, verifier: string, suspect = false): Promise<boolean> {
    if (this.remembers(secret, verifier)) return true;
    const mac = this.mac(secret);
    const key = this.flightKey(mac, verifier);
    let check = this.running.get(key);
    if (!check) {
      check = verifySecret(secret, verifier, suspect)
        .then((ok) => {
          if (ok) this.remembered = { verifier, mac, length: lengthOf(secret) };
          return ok;
        })
        .finally(() => this.running.delete(key));
      this.running.set(key, check);
    }
    return check;
  }

  private mac(secret: string): Buffer {
    return createHmac("sha256", this.key).update(secret).digest();
  }

  private flightKey(mac: Buffer, verifier: string): string {
    return `${mac.toString("base64")} ${verifier}`;
  }
}
