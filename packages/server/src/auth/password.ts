import { randomBytes } from "node:crypto";
import { hashSecret, type ScryptCost, verifySecret } from "./secret.ts";

/**
 * Administrator passwords are hashed with scrypt (node:crypto, i.e. OpenSSL's implementation), a
 * memory-hard function: no extra native dependency to compile on these machines, and the same
 * verifier format as the shared secret, so `verifySecret` checks both. N=2^15, r=8, p=3 is one of
 * the OWASP Password Storage Cheat Sheet's equivalent settings (32 MiB per hash, about 0.25 s on
 * this project's 2-core machines); the cost travels in each verifier and can be raised later.
 * Every run takes one of the process's few hashing slots (auth/hash-slots.ts).
 */
const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

/** `scrypt$N$r$p$salt$hash`, the format of auth/secret.ts. */
export function hashPassword(password: string): Promise<string> {
  return hashSecret(password, PASSWORD_COST);
}

/** `suspect`: the caller's address failed lately (auth/hash-slots.ts keeps a slot from it). */
export function verifyPassword(password: string, verifier: string, suspect = false): Promise<boolean> {
  return verifySecret(password, verifier, suspect);
}

// Checked when the account name is unknown, so that a wrong name costs as long as a wrong password.
let decoy: Promise<string> | null = null;

export async function spendVerificationTime(password: string, suspect = false): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString("base64"));
  // A decoy whose own hashing was refused (every slot busy) is made again next time.
  const verifier = await decoy.catch((error: unknown) => {
    decoy = null;
    throw error;
  });
  await verifyPassword(password, verifier, suspect);
}
