import { createHmac, timingSafeEqual } from "node:crypto";

const MAX_SKEW_MS = 5 * 60_000;

/**
 * The main server proves it is the main server by keying an HMAC with the shared secret's
 * verifier, which only the main server and its synchronised backup hold (no call returns it
 * except backup.sync to the authenticated backup).
 */
export function handbackProof(verifier: string, at: number): string {
  return createHmac("sha256", verifier).update(`handback:${at}`).digest("hex");
}

export function isValidHandbackProof(verifier: string, at: number, proof: string, now: number): boolean {
  if (Math.abs(now - at) > MAX_SKEW_MS) return false;
  const expected = Buffer.from(handbackProof(verifier, at), "hex");
  const given = Buffer.from(proof, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
