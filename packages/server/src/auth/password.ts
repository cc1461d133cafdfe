import { randomBytes, scrypt, type ScryptOptions } from "node:crypto";
import { verifySecret } from "./secret.ts";

/**
 * Administrator passwords are hashed with scrypt (node:crypto, i.e. OpenSSL's implementation), a
 * memory-hard function: no extra native dependency to compile on these machines, and the same
 * verifier format as the shared secret, so `verifySecret` checks both. N=2^15, r=8, p=3 is one of
 * the OWASP Password Storage Cheat Sheet's equivalent settings (32 MiB per hash, about 0.25 s on
 * this project's 2-core machines); the cost travels in each verifier and can be raised later.
 */
const COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

function scryptKey(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: MAX_MEM }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, the format of auth/secret.ts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64"), key.toString("base64")].join("$");
}

export function verifyPassword(password: string, verifier: string): Promise<boolean> {
  return verifySecret(password, verifier);
}

// Checked when the account name is unknown, so that a wrong name costs as long as a wrong password.
let decoy: Promise<string> | null = null;

export async function spendVerificationTime(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString("base64"));
  await verifyPassword(password, await decoy);
}
