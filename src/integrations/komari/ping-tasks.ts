/**
 * The ping-task list as Komari serves it (`GET /api/clients/ping/tasks`): a raw JSON array,
 * or `null` for none. Each entry is checked on its own, so one malformed task (say, from a
 * future server version) costs only that task, not the whole list. Pure.
 */
import { z } from 'zod';

/** One ping task assigned to this node. Extra keys (`clients`, `weight`, `default_on`) are dropped. */
export interface KomariPingTask {
  id: number;
  name: string;
  /** `icmp`, `tcp` or `http` by convention; the server does not validate it. */
  type: string;
  target: string;
  /** Seconds; ≤ 0 means the task never runs (the scheduler skips it). */
  interval: number;
}

/** One measurement for `POST /api/clients/ping/result`. */
export interface KomariPingResult {
  task_id: number;
  /** Integer milliseconds; -1 means loss. */
  value: number;
  ping_type: string;
  /** RFC 3339 with offset: when this measurement finished. */
  finished_at: string;
}

export interface DroppedTask {
  index: number;
  /** The entry's `id` when it had a usable one. */
  id: number | undefined;
  reason: string;
}

const taskSchema = z.object({
  // task_id 0 is refused by the result endpoint on 1.1.8–1.2.3, so such a task is useless.
  id: z.number().int().positive(),
  name: z.string(),
  type: z.string(),
  target: z.string(),
  interval: z.number().int(),
});

/** Splits a decoded reply into usable tasks and the entries that were dropped (and why). */
export function parsePingTasks(reply: unknown): { tasks: KomariPingTask[]; dropped: DroppedTask[] } | undefined {
  if (reply === null) return { tasks: [], dropped: [] };
  if (!Array.isArray(reply)) return undefined;
  const tasks: KomariPingTask[] = [];
  const dropped: DroppedTask[] = [];
  reply.forEach((entry: unknown, index) => {
    const parsed = taskSchema.safeParse(entry);
    if (parsed.success) {
      const { id, name, type, target, interval } = parsed.data;
      tasks.push({ id, name, type, target, interval });
      return;
    }
    const rawId = entry !== null && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    dropped.push({ index, id: typeof rawId === 'number' ? rawId : undefined, reason });
  });
  return { tasks, dropped };
}
