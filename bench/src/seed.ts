import { createHash, randomBytes } from "node:crypto";
import { Store } from "@sls/db";
import { insertParticipants } from "@sls/db/testing";

const BATCH = 1_000;

export interface SeededParticipant {
  serial: string;
  token: string;
}

/**
 * Registers `count` participants by writing their rows directly (registering 100,000 through the
 * API would take longer than the measurement). Tokens are stored as their SHA-256 in hex, exactly
 * as the server's auth/token.ts does.
 */
export async function seedParticipants(
  databaseUrl: string,
  count: number,
  prefix: string,
  limits = { platformLimit: 1_000_000, localLimit: 0 },
): Promise<SeededParticipant[]> {
  const store = Store.open(databaseUrl);
  const seeded: SeededParticipant[] = [];
  const now = new Date();
  const salt = randomBytes(4).toString("hex");
  try {
    for (let start = 0; start < count; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const token = `slt_bench_${salt}_${i}`;
        const serial = `${prefix}${String(i).padStart(6, "0")}`;
        seeded.push({ serial, token });
        rows.push({
          id: `ptc_bench${salt}${i}`,
          serial,
          hostname: `${serial.toLowerCase()}.bench.example.net`,
          model: "ASA5555-X",
          ...limits,
          approved: true,
          tokenHash: createHash("sha256").update(token).digest("hex"),
          registeredAt: now,
          lastSeenAt: now,
        });
      }
      await insertParticipants(store, rows);
    }
  } finally {
    await store.close();
  }
  return seeded;
}
