/**
 * A priority queue of items ordered by rank, then by arrival: the smallest rank first, and
 * among equal ranks the first pushed first (so equal ranks give a plain FIFO). A binary heap
 * over an array: push and pop are O(log n), nothing is allocated per item beyond its entry.
 * Items may be dropped in place by the owner (a `gone` test at pop), and `compact` rebuilds
 * the heap without them. Pure: no I/O, no clock.
 */
interface Entry<T> {
  rank: number;
  seq: number;
  item: T;
}

export class RankQueue<T> {
  private heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T, rank: number): void {
    const entry = { rank, seq: this.seq++, item };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
  }

  /** The item with the smallest rank (first pushed among equals), removed; undefined when empty. */
  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    if (heap.length === 0) this.seq = 0;
    return top.item;
  }

  /** Keeps only the items `keep` accepts, in the same order. */
  compact(keep: (item: T) => boolean): void {
    this.heap = this.heap.filter((e) => keep(e.item));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
    if (this.heap.length === 0) this.seq = 0;
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i] as Entry<T>;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<T>;
      if (!this.before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i] as Entry<T>;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(heap[right] as Entry<T>, heap[left] as Entry<T>) ? right : left;
      if (!this.before(heap[child] as Entry<T>, entry)) break;
      heap[i] = heap[child] as Entry<T>;
      i = child;
    }
    heap[i] = entry;
  }
}
