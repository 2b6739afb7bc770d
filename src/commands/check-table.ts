/** One router's line of the check table: each column's verdict and text. */
export interface CheckRow {
  router: string;
  cells: Record<string, { ok: boolean; text: string }>;
}

/** A plain-text table of check results (one row per router, one column per check), then each failure in full. Pure. */
export function renderCheckTable(rows: CheckRow[]): string {
  const columns = ['router', 'interfaces', 'connections', 'ping', 'komari'];
  const header = ['name', ...columns];
  const body = rows.map((r) => [
    r.router,
    ...columns.map((c) => {
      const cell = r.cells[c];
      if (!cell) return '-';
      return `${cell.ok ? 'OK' : 'FAIL'} ${cell.text}`;
    }),
  ]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((b) => (b[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => padCell(c, widths[i] ?? 10)).join('  ').trimEnd();
  const details = rows.flatMap((r) =>
    Object.entries(r.cells)
      .filter(([, cell]) => !cell.ok)
      .map(([column, cell]) => `${r.router} ${column}: ${cell.text}`),
  );
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  return (details.length ? [...table, '', 'Problems:', ...details] : table).join('\n');
}

function padCell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
