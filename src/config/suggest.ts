/** "Did you mean …?" for mistyped keys. Pure. */

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (r === 0 ? c : c === 0 ? r : 0)));
  for (let r = 1; r < rows; r++) {
    for (let c = 1; c < cols; c++) {
      const cost = a[r - 1] === b[c - 1] ? 0 : 1;
      let best = Math.min(d[r - 1]![c]! + 1, d[r]![c - 1]! + 1, d[r - 1]![c - 1]! + cost);
      if (r > 1 && c > 1 && a[r - 1] === b[c - 2] && a[r - 2] === b[c - 1]) best = Math.min(best, d[r - 2]![c - 2]! + 1);
      d[r]![c] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key closest to `key`, when it is close enough to be a typo: one edit for short keys,
 * two from eight characters on, compared ignoring case. Looser limits suggest unrelated keys
 * ("interfaces" → "intervals").
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const limit = key.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const dist = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (dist <= limit && dist < bestDistance) {
      best = candidate;
      bestDistance = dist;
    }
  }
  return best;
}
