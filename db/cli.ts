// npm run db:migrate | db:seed | db:backup -- <file>
import { backupDatabase } from "./backup";
import { closeDb, defaultDatabasePath, migrateToLatest } from "./index";
import { seedDemo } from "./seed";

const [command, argument] = process.argv.slice(2);
if (command === "backup") {
  if (!argument) {
    console.error("usage: npm run db:backup -- <file>");
    process.exitCode = 2;
  } else {
    await backupDatabase(defaultDatabasePath(), argument);
    console.log(`database ${defaultDatabasePath()} backed up to ${argument}`);
  }
} else if (command === "migrate" || command === "seed") {
  const applied = await migrateToLatest();
  console.log(`database ${defaultDatabasePath()}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
  if (command === "seed") console.log((await seedDemo()) ? "demo data created" : "demo data already present");
  await closeDb();
} else {
  console.error(`unknown command ${command}: use migrate, seed or backup <file>`);
  process.exitCode = 2;
}
