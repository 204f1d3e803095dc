// Python's int() of a header or parameter, as Swift parses its numeric inputs: blanks around, one sign,
// digits with single underscores between them.

/** The value, or undefined where Python's int() would raise ValueError. */
export function pythonInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return undefined;
  return Number(trimmed.replaceAll('_', ''));
}
