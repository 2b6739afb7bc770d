/**
 * `{ ...source, [key]: value }` for objects made often or kept per router, built key by key.
 * On the V8 of Node 20 a spread followed by a key the source lacks makes a new hidden class for
 * every object made that way, and every site that reads such objects goes megamorphic
 * (bench/README.md, "Hidden classes"); copied key by key they share one. Same keys, same
 * order (the new key last, or in its place when the source has it). Pure.
 */
export function withKey<T>(source: Readonly<Record<string, T>>, key: string, value: NoInfer<T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k in source) out[k] = source[k] as T;
  out[key] = value;
  return out;
}
