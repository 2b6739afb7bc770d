/**
 * The demo's live table: one row per router with load, memory, traffic, connections, last
 * ping and state. Pure: the caller passes the views and the time and writes the string.
 */
import type { RouterView } from './bridge-view.js';
import { formatAge, formatBitRate, formatBytes, formatCount } from './units.js';

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
  /** Longest error text shown. */
  errorWidth?: number;
}

interface Column {
  title: string;
  right: boolean;
}

const COLUMNS: Column[] = [
  { title: 'ROUTER', right: false },
  { title: 'STATE', right: false },
  { title: 'CPU', right: true },
  { title: 'MEMORY', right: true },
  { title: '↑ RATE', right: true },
  { title: '↓ RATE', right: true },
  { title: '↑ TOTAL', right: true },
  { title: '↓ TOTAL', right: true },
  { title: 'CONNS TCP/UDP', right: true },
  { title: 'PING', right: true },
  { title: 'SAMPLE', right: true },
  { title: 'KOMARI', right: true },
  { title: 'NOTE', right: false },
];

const NONE = '–';

function row(view: RouterView, input: TableInput): string[] {
  const s = view.lastSample;
  const r = s?.resource;
  const used = r ? r.totalMemoryBytes - r.freeMemoryBytes : undefined;
  const c = s?.connections;
  const conns = c === undefined ? NONE : c.source === 'tracking-total' ? `${formatCount(c.tcp)} total` : `${formatCount(c.tcp)}/${formatCount(c.udp)}`;
  const ping = view.lastPing === undefined ? NONE : view.lastPing.value < 0 ? 'lost' : `${view.lastPing.value} ms`;
  const k = input.komari?.get(view.name);
  const komari = k === undefined ? NONE : k.rejected > 0 ? `${k.accepted} ok ${k.rejected} bad` : `${k.accepted} ok`;
  const note = view.state === 'up' || view.lastError === undefined ? '' : truncate(view.lastError, input.errorWidth ?? 60);
  return [
    view.name,
    view.state,
    r ? `${Math.round(r.cpuLoadPercent)}%` : NONE,
    r && used !== undefined ? `${formatBytes(used)} / ${formatBytes(r.totalMemoryBytes)}` : NONE,
    s ? formatBitRate(s.traffic.upBps) : NONE,
    s ? formatBitRate(s.traffic.downBps) : NONE,
    s ? formatBytes(s.traffic.totalUpBytes) : NONE,
    s ? formatBytes(s.traffic.totalDownBytes) : NONE,
    conns,
    ping,
    s ? formatAge(input.now - s.takenAt) : NONE,
    komari,
    note,
  ];
}

function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** The table as lines joined by `\n`, columns padded to their widest cell, no trailing spaces. */
export function renderTable(input: TableInput): string {
  const rows = [COLUMNS.map((c) => c.title), ...input.views.map((v) => row(v, input))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, i) => (COLUMNS[i]?.right ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  );
  const up = input.views.filter((v) => v.state === 'up').length;
  lines.push('', `${input.views.length} router(s), ${up} up`);
  return lines.join('\n');
}
