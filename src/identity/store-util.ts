// Small conversions shared by the identity stores.
export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export const toBool = (n: number): boolean => n !== 0;
export const fromBool = (b: boolean): number => (b ? 1 : 0);
