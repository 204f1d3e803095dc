// Python literal parsing (Cinder's list filters) and Python repr (Cinder's validation messages).
import { describe, expect, it } from 'vitest';
import { literalEval } from './py-literal.js';
import { pyRepr, pyStr } from '../../common/py-repr.js';

describe('literalEval', () => {
  it('reads the literals Cinder list filters carry', () => {
    expect(literalEval("{'k': 'v', \"n\": 1}")).toEqual({ k: 'v', n: 1 });
    expect(literalEval('[1, 2.5, -3e2, (True, False, None)]')).toEqual([1, 2.5, -300, [true, false, null]]);
    expect(literalEval("  'a\\'b\\n'  ")).toBe("a'b\n");
    expect(literalEval('{}')).toEqual({});
    expect(literalEval('7')).toBe(7);
  });

  it('is undefined for anything that is not a literal, so the raw string is kept', () => {
    for (const text of ['available', "{'k': 'v'", '[1 2]', "{'k' 'v'}", '1 2', "'open", 'none', ''])
      expect(literalEval(text), text).toBeUndefined();
  });

  it('keeps a __proto__ key as a key', () => {
    const value = literalEval("{'__proto__': {'polluted': 1}}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('pyRepr', () => {
  it("renders JSON values as Python's repr and str do", () => {
    expect(pyRepr(null)).toBe('None');
    expect(pyRepr([true, false, 1, 'x'])).toBe("[True, False, 1, 'x']");
    expect(pyRepr({ a: "it's" })).toBe(`{'a': "it's"}`);
    expect(pyRepr('tab\there\x01')).toBe("'tab\\there\\x01'");
    expect(pyStr('bare')).toBe('bare');
    expect(pyStr(null)).toBe('None');
  });
});
