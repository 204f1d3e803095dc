// A read-only table of API records with chosen columns (identity and admin lists).
import { Table } from '@mantine/core';
import { useLoad } from '../api/hooks';
import { ErrorAlert } from './common';

export interface Column<T> {
  label: string;
  value(row: T): React.ReactNode;
}

export function ResourceTable<T>({
  label,
  load,
  columns,
  deps,
  pollMs,
}: {
  label: string;
  load(): Promise<T[]>;
  columns: Column<T>[];
  deps: unknown[];
  pollMs?: number;
}) {
  const rows = useLoad(load, deps, pollMs);
  return (
    <>
      <ErrorAlert error={rows.error} />
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.label}>{c.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(rows.data ?? []).map((row, i) => (
            <Table.Tr key={i}>
              {columns.map((c) => (
                <Table.Td key={c.label}>{c.value(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
