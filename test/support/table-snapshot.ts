// Every table of the schema, row by row, so a test can assert that a refused request wrote nothing anywhere,
// not just in the table it expected to be touched. Tables are listed from the catalogue, so a table added by a
// later migration is covered without editing the tests.
import type pg from 'pg';

export type TableSnapshot = Map<string, string[]>;

export async function listTables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.name);
}

/** Each table's rows as JSON text, sorted, so two snapshots compare regardless of row order. */
export async function snapshotTables(pool: pg.Pool): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = new Map();
  for (const table of await listTables(pool)) {
    const { rows } = await pool.query(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
    snapshot.set(table, rows.map((r) => JSON.stringify(r)).sort());
  }
  return snapshot;
}

/** What changed between two snapshots, one line per changed table (empty when nothing did). */
export function diffSnapshots(before: TableSnapshot, after: TableSnapshot): string[] {
  const changes: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(table) ?? [];
    const b = after.get(table) ?? [];
    const removed = a.filter((row) => !b.includes(row));
    const added = b.filter((row) => !a.includes(row));
    if (!before.has(table) || !after.has(table) || removed.length || added.length) {
      changes.push(`${table}: +${added.length} -${removed.length} ${[...added.map((r) => `+${r}`), ...removed.map((r) => `-${r}`)].join(' ').slice(0, 400)}`);
    }
  }
  return changes;
}
