import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, whatever order the object was built in', () => {
    const a = { b: 1, a: { z: [3, { y: true, x: null }], c: 'é' } };
    const b = { a: { c: 'é', z: [3, { x: null, y: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é","z":[3,{"x":null,"y":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('writes numbers and strings as ECMAScript JSON does', () => {
    expect(canonicalJson([1e21, 0.1, -0, 5.0, 'line\nbreak "q"', '\u2028'])).toBe('[1e+21,0.1,0,5,"line\\nbreak \\"q\\"","\u2028"]');
  });

  it('leaves undefined members out, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it.each([NaN, Infinity, undefined, 1n, new Date(0), new Map(), [undefined], () => 1])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });
});
