// The column types that differ between SQLite and PostgreSQL, in one place, so one set of
// migrations builds both. On SQLite each gives exactly what the migrations wrote before
// PostgreSQL was supported, so existing databases and fresh ones have the same schema.
// Types both accept are written directly: text, integer, bigint (times in milliseconds),
// JSON kept as text; there are no boolean columns.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { isPostgres } from "../dialect";

/** For `.addColumn("id", "integer", autoIncrementId(db))`: a generated integer primary key. */
export function autoIncrementId(db: Kysely<unknown>): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db) ? (column) => column.primaryKey().generatedByDefaultAsIdentity() : (column) => column.primaryKey().autoIncrement();
}

/** Bytes (encoded Yjs updates and states). */
export function binary(db: Kysely<unknown>): "bytea" | "blob" {
  return isPostgres(db) ? "bytea" : "blob";
}
