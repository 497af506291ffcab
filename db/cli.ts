// npm run db:migrate | db:seed | db:backup -- <file>
import { backupDatabase } from "./backup";
import { databaseLocation } from "../server/config";
import { closeDb, migrateToLatest, useDatabase } from "./index";
import { seedDemo } from "./seed";

const [command, argument] = process.argv.slice(2);
useDatabase(databaseLocation());
if (command === "backup") {
  if (!argument) {
    console.error("usage: npm run db:backup -- <file>");
    process.exitCode = 2;
  } else {
    await backupDatabase(databaseLocation(), argument);
    console.log(`database ${databaseLocation()} backed up to ${argument}`);
  }
} else if (command === "migrate" || command === "seed") {
  const applied = await migrateToLatest();
  console.log(`database ${databaseLocation()}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
  if (command === "seed") console.log((await seedDemo()) ? "demo data created" : "demo data already present");
  await closeDb();
} else {
  console.error(`unknown command ${command}: use migrate, seed or backup <file>`);
  process.exitCode = 2;
}
