/**
 * The demo's live table: one row per router (in natural name order) with state, load,
 * memory, traffic, connections and last ping; the errors of routers that are not up listed
 * below it; a summary line with the Komari receiver's counts. It fits the terminal width:
 * the least useful columns are left out on a narrow one. Pure: the caller passes the views,
 * the time and the width, and writes the string.
 */
import type { RouterView } from './bridge-view.js';
import { formatAge, formatCount, formatShortBitRate, formatShortBytes } from './units.js';

export interface KomariCount {
  accepted: number;
  rejected: number;
}

export interface TableInput {
  views: readonly RouterView[];
  /** Epoch ms, for ages. */
  now: number;
  /** Reports the receiver accepted and refused, by router name. */
  komari?: ReadonlyMap<string, KomariCount>;
  /** Terminal columns; default 80. */
  width?: number;
}

interface Column {
  title: string;
  right: boolean;
  /** Columns with a higher number are left out first when the table is too wide; 0: always shown. */
  drop: number;
  cell(view: RouterView, input: TableInput): string;
}

const NONE = '–';
const GAP = '  ';

const COLUMNS: Column[] = [
  { title: 'ROUTER', right: false, drop: 0, cell: (v) => v.name },
  { title: 'STATE', right: false, drop: 0, cell: (v) => v.state },
  { title: 'CPU', right: true, drop: 0, cell: (v) => (v.lastSample ? `${Math.round(v.lastSample.resource.cpuLoadPercent)}%` : NONE) },
  { title: 'MEM', right: true, drop: 0, cell: memory },
  { title: 'RATE ↑/↓ bit/s', right: true, drop: 0, cell: (v) => pair(v, (s) => [formatShortBitRate(s.traffic.upBps), formatShortBitRate(s.traffic.downBps)]) },
  { title: 'TOTAL ↑/↓', right: true, drop: 3, cell: (v) => pair(v, (s) => [formatShortBytes(s.traffic.totalUpBytes), formatShortBytes(s.traffic.totalDownBytes)]) },
  { title: 'TCP/UDP', right: true, drop: 2, cell: connections },
  { title: 'PING', right: true, drop: 1, cell: ping },
  { title: 'AGE', right: true, drop: 5, cell: (v, input) => (v.lastSample ? formatAge(input.now - v.lastSample.takenAt) : NONE) },
  { title: 'KOMARI', right: true, drop: 4, cell: komari },
];

type Sample = NonNullable<RouterView['lastSample']>;

function pair(view: RouterView, values: (s: Sample) => [string, string]): string {
  return view.lastSample ? values(view.lastSample).join('/') : NONE;
}

function memory(view: RouterView): string {
  const r = view.lastSample?.resource;
  if (!r || r.totalMemoryBytes <= 0) return NONE;
  return `${Math.round((100 * (r.totalMemoryBytes - r.freeMemoryBytes)) / r.totalMemoryBytes)}%`;
}

function connections(view: RouterView): string {
  const c = view.lastSample?.connections;
  if (c === undefined) return NONE;
  return c.source === 'tracking-total' ? `${formatCount(c.tcp)} all` : `${formatCount(c.tcp)}/${formatCount(c.udp)}`;
}

function ping(view: RouterView): string {
  if (view.lastPing === undefined) return NONE;
  return view.lastPing.value < 0 ? 'lost' : `${Math.round(view.lastPing.value)}ms`;
}

function komari(view: RouterView, input: TableInput): string {
  const k = input.komari?.get(view.name);
  if (k === undefined) return NONE;
  return k.rejected > 0 ? `${k.accepted}+${k.rejected}✗` : String(k.accepted);
}

function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

function layout(columns: readonly Column[], rows: readonly string[][]): { lines: string[]; width: number } {
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, i) => (columns[i]?.right ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join(GAP)
      .trimEnd(),
  );
  return { lines, width: Math.max(...lines.map((l) => l.length)) };
}

/** The table as lines joined by `\n`: no trailing spaces, no line wider than `width` (but the narrowest table). */
export function renderTable(input: TableInput): string {
  const width = input.width ?? 80;
  const views = [...input.views].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  let columns = COLUMNS;
  let table = layout(columns, [columns.map((c) => c.title), ...views.map((v) => columns.map((c) => c.cell(v, input)))]);
  while (table.width > width && columns.some((c) => c.drop > 0)) {
    const worst = Math.max(...columns.map((c) => c.drop));
    columns = columns.filter((c) => c.drop !== worst);
    table = layout(columns, [columns.map((c) => c.title), ...views.map((v) => columns.map((c) => c.cell(v, input)))]);
  }
  const lines = [...table.lines];
  const failing = views.filter((v) => v.state !== 'up' && v.lastError !== undefined);
  if (failing.length > 0) lines.push('', ...failing.map((v) => truncate(`${v.name}: ${v.lastError}`, width)));
  lines.push('', summary(views, input));
  return lines.join('\n');
}

function summary(views: readonly RouterView[], input: TableInput): string {
  const up = views.filter((v) => v.state === 'up').length;
  const text = `${views.length} router(s), ${up} up`;
  if (input.komari === undefined) return text;
  let accepted = 0;
  let rejected = 0;
  for (const k of input.komari.values()) {
    accepted += k.accepted;
    rejected += k.rejected;
  }
  return `${text}; Komari reports: ${accepted} accepted, ${rejected} refused`;
}
