/**
 * Canonical JSON: one byte-exact text per value, so a hash over it does not depend on key order or on how a
 * record was built. Object keys are sorted by UTF-16 code unit and numbers use ECMAScript's shortest form, which
 * is what RFC 8785 (JCS) specifies for the values we hash (strings, finite numbers, booleans, null).
 */

/**
 * The canonical text of `value`; throws a TypeError on anything JSON cannot carry exactly (undefined outside an
 * object, NaN, Infinity, bigint, Dates, Maps, class instances). Takes `unknown` because it checks at run time.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // JSON.stringify would write NaN and Infinity as null: two different values, one hash. Refuse instead.
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly unknown[]).map((item) => canonicalJson(item)).join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  // A Date or class instance would go through toJSON or lose fields; only plain data has one obvious form.
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError('canonicalJson: only plain objects can be encoded');
  }
  const record = value as { readonly [key: string]: unknown };
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    // Same as JSON.stringify: an undefined member is absent, so { a: undefined } and {} hash alike.
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
