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
    await this.connection?.finalizeStatements();
    await new Promise<void>((resolve, reject) => database.close((error) => (error ? reject(error) : resolve())));
  }
}

/** Prepared statements kept per connection; the least recently used beyond this is finalized. */
const STATEMENT_CACHE_SIZE = 100;

class Sqlite3Connection implements DatabaseConnection {
  release?: () => void;
  /**
   * Statements by SQL text, prepared once: preparing and finalizing one for every query cost
   * CPU on each stored keystroke, the finalizing on the main thread (node-sqlite3 does it there,
   * under the connection's mutex).
   */
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();

  constructor(private readonly database: sqlite3.Database) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const kind = compiledQuery.query.kind;
    const returnsRows =
      kind === "SelectQueryNode" ||
      kind === "RawNode" ||
      ("returning" in compiledQuery.query && compiledQuery.query.returning !== undefined);
    const statement = await this.statement(sql);
    const failed = (error: Error) => {
      // Prepared afresh next time (an error may leave it in any state).
      this.forget(sql);
      return error;
    };
    if (returnsRows) {
      return new Promise((resolve, reject) =>
        statement.all(parameters as unknown[], (error, rows) => (error ? reject(failed(error)) : resolve({ rows: rows as R[] }))),
      );
    }
    return new Promise((resolve, reject) =>
      statement.run(parameters as unknown[], function (this: sqlite3.RunResult, error) {
        if (error) return reject(failed(error));
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: BigInt(this.lastID),
        });
      }),
    );
  }

  /** The statement for `sql`, prepared (a failure to prepare, such as a syntax error, rejects). */
  private statement(sql: string): Promise<sqlite3.Statement> {
    let statement = this.statements.get(sql);
    if (statement) {
      // Most recently used last: the first is the one to finalize when the cache is full.
      this.statements.delete(sql);
      this.statements.set(sql, statement);
      return statement;
    }
    if (this.statements.size >= STATEMENT_CACHE_SIZE) this.forget(this.statements.keys().next().value!);
    statement = new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared: sqlite3.Statement = this.database.prepare(sql, (error) => (error ? reject(error) : resolve(prepared)));
    });
    this.statements.set(sql, statement);
    statement.catch(() => this.statements.get(sql) === statement && this.statements.delete(sql));
    return statement;
  }

  private forget(sql: string): void {
    const statement = this.statements.get(sql);
    this.statements.delete(sql);
    void statement?.then((prepared) => prepared.finalize()).catch(() => undefined);
  }

  /** Before the database closes: it refuses to while statements are open. */
  async finalizeStatements(): Promise<void> {
    const statements = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(
      statements.map((statement) =>
        statement.then((prepared) => new Promise<void>((resolve) => prepared.finalize(() => resolve()))).catch(() => undefined),
      ),
    );
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // sqlite3 has no cursor we can pause; results are small enough to read at once.
    yield await this.executeQuery<R>(compiledQuery);
  }
}
