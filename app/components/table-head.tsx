// Table header row from a column list: numeric columns right-aligned, every header scoped for screen readers.
export interface Column {
  label: string;
  numeric?: boolean;
}

export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.label} scope="col" className={c.numeric ? "num" : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
