/**
 * JSON text from plain JS values (objects, arrays, strings, numbers, booleans, null), written
 * iteratively so that a term nested 100 000 deep does not hit the call stack (V8's
 * JSON.stringify recurses). Unlike JSON.stringify it keeps the sign of -0 (`-0` is valid JSON
 * and JSON.parse reads it back as -0), which the typed-JSON contract needs for `-0.0`.
 */

type Frame =
  | { kind: 'array'; items: readonly unknown[]; next: number }
  | { kind: 'object'; entries: Array<[string, unknown]>; next: number };

function scalar(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`not representable in JSON: ${value}`);
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

export function stringifyJson(value: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      if (Array.isArray(pending)) {
        out.push('[');
        stack.push({ kind: 'array', items: pending, next: 0 });
      } else if (pending !== null && typeof pending === 'object') {
        out.push('{');
        const entries = Object.entries(pending).filter(([, v]) => v !== undefined);
        stack.push({ kind: 'object', entries, next: 0 });
      } else {
        out.push(scalar(pending));
      }
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return out.join('');
    if (top.kind === 'array') {
      if (top.next === top.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.next > 0) out.push(',');
      pending = top.items[top.next++];
      hasPending = true;
    } else {
      if (top.next === top.entries.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      if (top.next > 0) out.push(',');
      const [key, v] = top.entries[top.next++]!;
      out.push(JSON.stringify(key), ':');
      pending = v;
      hasPending = true;
    }
  }
}
