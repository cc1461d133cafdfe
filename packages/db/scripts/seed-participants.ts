// Usage: pnpm --filter @sls/db exec tsx scripts/seed-participants.ts <DATABASE_URL> <count>
// Adds <count> participants straight through the db package, for measuring the admin console
// at fleet scale (10,000, 100,000). Grants total 10 per participant (every fifth holds 50), each
// with its register and request audit rows, so the ledger stays balanced; 85 % refreshed in the
// last minute, 10 % silent (expired), 5 % awaiting approval.
import { createPrismaClient } from "../src/client.ts";
import { applyMigrations, newId, Store } from "../src/index.ts";

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!url || !Number.isInteger(count) || count < 1) {
  console.error("usage: seed-participants.ts <DATABASE_URL> <count>");
  process.exit(2);
}

const MODELS = [
  { model: "ASA5555-X", platformLimit: 5000, localLimit: 250 },
  { model: "ASA5545-X", platformLimit: 2500, localLimit: 100 },
  { model: "FPR2130", platformLimit: 1500, localLimit: 50 },
  { model: "FPR1150", platformLimit: 750, localLimit: 25 },
  { model: "ASAv30", platformLimit: 250, localLimit: 2 },
];
const SITES = ["east", "west", "north", "south", "lyon", "porto", "graz", "oslo", "dc-fra", "dc-ams"];
const BATCH = 2_000;

await applyMigrations(url, () => {});
const db = createPrismaClient(url);
const store = new Store(db);
const now = Date.now();
await store.seedServer({ poolSize: 1_000_000, refreshIntervalSec: 30, secretHash: null, at: new Date(now) });
const existing = await db.participant.count();
const started = performance.now();
let grantedSum = 0;

for (let offset = 0; offset < count; offset += BATCH) {
  const participants = [];
  const audits = [];
  for (let i = offset; i < Math.min(count, offset + BATCH); i++) {
    const n = existing + i;
    const kind = MODELS[n % MODELS.length]!;
    const site = SITES[Math.floor(n / 7) % SITES.length]!;
    const serial = `SIM${n.toString(36).toUpperCase().padStart(7, "0")}`;
    const awaiting = n % 20 === 19;
    const silent = n % 10 === 3;
    const granted = !awaiting && n % 5 === 0 ? 50 : 0;
    const inUse = awaiting ? 0 : Math.floor(granted * 0.8 + kind.localLimit * ((n % 7) / 7));
    const lastSeenAt = new Date(now - (silent ? 3_600_000 + (n % 3600) * 1000 : (n % 55) * 1000));
    const id = newId("ptc");
    grantedSum += granted;
    participants.push({
      id,
      serial,
      hostname: `vpn-${site}-${n}.example.net`,
      model: kind.model,
      platformLimit: kind.platformLimit,
      localLimit: kind.localLimit,
      approved: !awaiting,
      granted,
      inUse,
      highWater: inUse + (n % 13) * 3,
      registeredAt: new Date(now - 86_400_000),
      lastSeenAt,
    });
    audits.push({
      at: new Date(now - 86_400_000),
      type: awaiting ? "register-awaiting-approval" : "register",
      actor: `appliance:${serial}`,
      participantId: id,
      serial,
    });
    if (granted > 0) {
      audits.push({
        at: new Date(now - 3_600_000),
        type: "request",
        actor: `appliance:${serial}`,
        participantId: id,
        serial,
        grantedDelta: granted,
        grantedAfter: granted,
        pendingAfter: 0,
      });
    }
  }
  await db.$transaction([
    db.participant.createMany({ data: participants }),
    db.auditEvent.createMany({ data: audits }),
  ]);
}
await db.server.update({ where: { id: 1 }, data: { grantedTotal: { increment: grantedSum } } });
console.log(
  `added ${count} participants (${existing + count} in all, ${grantedSum} sessions granted) in ${Math.round(performance.now() - started)} ms`,
);
await store.close();
