// npm run db:migrate | db:seed
import { closeDb, defaultDatabasePath, migrateToLatest } from "./index";
import { seedDemo } from "./seed";

const command = process.argv[2];
const applied = await migrateToLatest();
console.log(`database ${defaultDatabasePath()}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
if (command === "seed") {
  console.log((await seedDemo()) ? "demo data created" : "demo data already present");
} else if (command !== "migrate") {
  console.error(`unknown command ${command}: use migrate or seed`);
  process.exitCode = 2;
}
await closeDb();
