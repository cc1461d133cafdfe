import { createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A salted scrypt verifier: `scrypt$N$r$p$salt$hash` (base64). The secret itself is never stored. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, N, R, P);
  return ["scrypt", N, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifySecret(secret: string, verifier: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = verifier.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(secret, Buffer.from(salt, "base64"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * scrypt costs tens of milliseconds by design, which a fleet re-registering at once would feel.
 * After one successful check, the secret is remembered as a keyed HMAC (with a key that never
 * leaves this process) for that verifier, so later registrations compare in microseconds.
 */
export class SecretChecker {
  private readonly key = randomBytes(32);
  private remembered: { verifier: string; mac: Buffer } | null = null;

  async matches(secret: string, verifier: string): Promise<boolean> {
    const mac = createHmac("sha256", this.key).update(secret).digest();
    const known = this.remembered;
    if (known && known.verifier === verifier) return timingSafeEqual(known.mac, mac);
    const ok = await verifySecret(secret, verifier);
    if (ok) this.remembered = { verifier, mac };
    return ok;
  }
}
