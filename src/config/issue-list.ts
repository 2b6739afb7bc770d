/**
 * Collects configuration problems during one load, so every problem is reported at once.
 * Handles what `defaults:` makes tricky: one bad default would otherwise be reported once per
 * router, and a default already reported on its own must not be reported again per router.
 * Pure.
 */
import type { ConfigIssue } from '../errors.js';

export interface PendingIssue {
  /** Where the user reads it, e.g. `routers[1].intervals.report`. */
  path: string;
  line: number | undefined;
  message: string;
  /** The node the problem was found at, e.g. `defaults.timeout`; defaults to `path`. */
  node?: string;
  /** The router the problem was found in, when the value came from `defaults:`. */
  inheritedBy?: string;
}

interface Entry extends PendingIssue {
  alsoIn: string[];
}

const LISTED_ROUTERS = 3;

function within(node: string, ancestor: string): boolean {
  return node === ancestor || node.startsWith(`${ancestor}.`) || node.startsWith(`${ancestor}[`);
}

export class IssueList {
  private readonly entries: Entry[] = [];
  private readonly inherited = new Map<string, Entry>();
  private readonly settled: string[] = [];
  /** Values that came from a variable, by node: never shown there, however short. */
  private readonly hidden = new Map<string, string>();

  hide(node: string, value: string): void {
    this.hidden.set(node, value);
  }

  /**
   * Problems at or under `node` are consequences of one already reported there (an unset
   * variable, a bad default): later ones are dropped.
   */
  settle(node: string): void {
    this.settled.push(node);
  }

  isSettled(node: string): boolean {
    return this.settled.some((s) => within(node, s));
  }

  add(issue: PendingIssue): void {
    const node = issue.node ?? issue.path;
    if (this.isSettled(node)) return;
    if (issue.inheritedBy !== undefined) {
      const key = `${node}\u0000${issue.message}`;
      const first = this.inherited.get(key);
      if (first) {
        first.alsoIn.push(issue.inheritedBy);
        return;
      }
      const entry: Entry = { ...issue, alsoIn: [] };
      this.inherited.set(key, entry);
      this.entries.push(entry);
      return;
    }
    this.entries.push({ ...issue, alsoIn: [] });
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The issues in file order. `secrets` are values that must never be shown; any message that
   * contains one (at least 4 characters long, so short words are not mangled) is masked.
   */
  toConfigIssues(file: string, secrets: readonly string[] = []): ConfigIssue[] {
    const masks = secrets.filter((s) => s.length >= 4);
    return this.entries
      .map((e, order) => ({ e, order }))
      .sort((a, b) => (a.e.line ?? 0) - (b.e.line ?? 0) || a.order - b.order)
      .map(({ e }) => {
        let message = e.message;
        if (e.inheritedBy !== undefined) message += ` (from defaults:${alsoText(e.alsoIn)})`;
        for (const s of masks) message = message.split(s).join('***');
        const hidden = this.hidden.get(e.node ?? e.path);
        if (hidden !== undefined && hidden !== '') message = message.split(`"${hidden}"`).join('(the value of its variable)');
        return { file, line: e.line, path: e.path, message };
      });
  }
}

function alsoText(others: string[]): string {
  if (others.length === 0) return '';
  const shown = others.slice(0, LISTED_ROUTERS).join(', ');
  const more = others.length > LISTED_ROUTERS ? ` and ${others.length - LISTED_ROUTERS} more` : '';
  return `; also ${shown}${more}`;
}
