// Seeds a database with a capacity history: tsx capacity-seed-cli.ts <DATABASE_URL> <days> <poolSize> [growthPerDay]
import { applyMigrations, Store } from "@sls/db";
import { seedCapacityHistory } from "./capacity-seed.ts";

const [url, days = "30", poolSize = "5000", growthPerDay = "0"] = process.argv.slice(2);
if (!url || !/^(file:|postgres(ql)?:\/\/)/.test(url)) {
  process.stderr.write("usage: capacity-seed-cli.ts <DATABASE_URL> [days] [poolSize] [growthPerDay]\n");
  process.exit(2);
}
await applyMigrations(url);
const store = Store.open(url);
try {
  const hours = await seedCapacityHistory(store, {
    days: Number(days),
    poolSize: Number(poolSize),
    now: Date.now(),
    growthPerDay: Number(growthPerDay),
  });
  process.stdout.write(`${hours} hourly capacity samples written\n`);
} finally {
  await store.close();
}
