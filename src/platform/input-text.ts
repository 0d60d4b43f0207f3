// Text no database column can hold. PostgreSQL refuses U+0000 in text and jsonb (SQLSTATE 22021
// "invalid byte sequence", 22P05 in jsonb), so a NUL that reaches a query fails the statement as
// a server error. Both transports reject it at the edge with this one check instead.

const MAX_DEPTH = 64;

/**
 * The path (`["input", "email"]`) of the first string — value or object key — that holds a NUL
 * byte, or null when there is none. Deeper than MAX_DEPTH counts as found: such a value is not a
 * legitimate input, and walking it further is what an attacker would want.
 */
export function findNulByte(value: unknown, path: readonly (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [...path] : null;
  if (!value || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return [...path];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulByte(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = findNulByte(v, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

export const NUL_BYTE_MESSAGE = 'must not contain a NUL (U+0000) character';
