// A Kysely dialect over the asynchronous `sqlite3` driver. Kysely's built-in SqliteDialect
// expects better-sqlite3's synchronous API; this one keeps a single connection and hands it
// out under a mutex, so a transaction owns the connection until it commits or rolls back.
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";

export interface Sqlite3DialectConfig {
  /** File path, or ":memory:". */
  filename: string;
  /** Statements run once when the connection opens (pragmas). */
  onOpen?: string[];
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

class Sqlite3Driver implements Driver {
  private database?: sqlite3.Database;
  private connection?: Sqlite3Connection;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    this.database = await new Promise<sqlite3.Database>((resolve, reject) => {
      const database = new sqlite3.Database(this.config.filename, (error) => (error ? reject(error) : resolve(database)));
    });
    this.connection = new Sqlite3Connection(this.database);
    for (const statement of this.config.onOpen ?? []) {
      await this.connection.executeQuery(CompiledQuery.raw(statement));
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Chain on the previous holder: the returned connection is ours until released.
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const connection = this.connection!;
    connection.release = release;
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // IMMEDIATE takes the write lock up front, so a busy database fails fast at BEGIN
    // instead of deadlocking later on a lock upgrade.
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as Sqlite3Connection).release?.();
  }

  async destroy(): Promise<void> {
    const database = this.database;
    this.database = undefined;
    if (!database) return;
    await this.queue;
    await new Promise<void>((resolve, reject) => database.close((error) => (error ? reject(error) : resolve())));
  }
}

class Sqlite3Connection implements DatabaseConnection {
  release?: () => void;

  constructor(private readonly database: sqlite3.Database) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const kind = compiledQuery.query.kind;
    const returnsRows =
      kind === "SelectQueryNode" ||
      kind === "RawNode" ||
      ("returning" in compiledQuery.query && compiledQuery.query.returning !== undefined);
    if (returnsRows) {
      return new Promise((resolve, reject) =>
        this.database.all(sql, parameters as unknown[], (error, rows) => (error ? reject(error) : resolve({ rows: rows as R[] }))),
      );
    }
    return new Promise((resolve, reject) =>
      this.database.run(sql, parameters as unknown[], function (this: sqlite3.RunResult, error) {
        if (error) return reject(error);
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: BigInt(this.lastID),
        });
      }),
    );
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // sqlite3 has no cursor we can pause; results are small enough to read at once.
    yield await this.executeQuery<R>(compiledQuery);
  }
}
