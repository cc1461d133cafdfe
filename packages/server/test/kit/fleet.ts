import { randomBytes } from "node:crypto";
import { hashToken } from "../../src/auth/token.ts";
import { applianceClient } from "./clients.ts";

export interface SeededParticipant {
  serial: string;
  token: string;
}

export interface FleetOptions {
  count: number;
  /** Serials are the prefix and the index, zero-padded: `PAIR000`, `PAIR001`, … */
  prefix: string;
  /** Digits of the index in the serial (default: as many as `count - 1` has, at least 3). */
  digits?: number;
  platformLimit?: number;
  localLimit?: number;
  model?: string;
}

/** Where a fleet is seeded: through the API of a running server, or as rows of a database no server runs on yet. */
export type FleetTarget = { baseUrl: string; secret: string } | { databaseUrl: string };

/**
 * N registered participants. Through the API (`{ baseUrl, secret }`), each registers as an
 * appliance does, a few at a time; as rows (`{ databaseUrl }`, before a server starts on it),
 * for fleets too large to register within a test or a benchmark, tokens stored as the server
 * stores them (SHA-256).
 */
export async function seedFleet(target: FleetTarget, options: FleetOptions): Promise<SeededParticipant[]> {
  const digits = options.digits ?? Math.max(3, String(options.count - 1).length);
  const serial = (i: number) => `${options.prefix}${String(i).padStart(digits, "0")}`;
  const unit = (i: number) => ({
    serial: serial(i),
    hostname: `${serial(i).toLowerCase()}.example.net`,
    model: options.model ?? "ASA5585-X",
    platformLimit: options.platformLimit ?? 1000,
    localLimit: options.localLimit ?? 100,
  });
  if ("databaseUrl" in target) return seedRows(target.databaseUrl, options.count, unit);
  const api = applianceClient(target.baseUrl);
  const seeded = new Array<SeededParticipant>(options.count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < options.count; i = next++) {
      const { token } = await api.appliance.register.mutate({ secret: target.secret, ...unit(i) });
      seeded[i] = { serial: serial(i), token };
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, options.count) }, worker));
  return seeded;
}

async function seedRows(databaseUrl: string, count: number, unit: (i: number) => Row): Promise<SeededParticipant[]> {
  const [{ Store }, { insertParticipants }] = await Promise.all([import("@sls/db"), import("@sls/db/testing")]);
  const store = Store.open(databaseUrl);
  const now = new Date();
  const salt = randomBytes(4).toString("hex");
  const seeded = Array.from({ length: count }, (_, i) => ({ serial: unit(i).serial, token: `slt_seed_${salt}_${i}` }));
  try {
    await insertParticipants(
      store,
      seeded.map(({ token }, i) => ({
        id: `ptc_seed${salt}${i}`,
        ...unit(i),
        approved: true,
        tokenHash: hashToken(token),
        registeredAt: now,
        lastSeenAt: now,
      })),
    );
  } finally {
    await store.close();
  }
  return seeded;
}

interface Row {
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
}
