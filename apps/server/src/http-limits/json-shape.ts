/**
 * What JSON.parse accepts but the rest of the app must not see: nesting deep enough to overflow the
 * recursive copies of class-transformer and the validation pipe (a RangeError, i.e. a 500), and the NUL
 * character, which PostgreSQL text cannot hold (a query error, i.e. a 500). Checked without recursion.
 */
export const JSON_MAX_DEPTH = 32;

/** Null when the parsed body is acceptable, else a reason naming the place. */
export function jsonShapeProblem(value: unknown, maxDepth = JSON_MAX_DEPTH): string | null {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: 'body' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return `${path}: the NUL character (\\u0000) is not allowed in text`;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) return `${path}: JSON nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return `${path}: the NUL character (\\u0000) is not allowed in a key`;
        stack.push({ v: x, depth: depth + 1, path: `${path}.${k.length > 40 ? `${k.slice(0, 40)}…` : k}` });
      }
    }
  }
  return null;
}
