// Writes oslo.policy `operations` compactly in default tables: ops('GET /networks', 'GET /networks/{id}').
import type { PolicyOperation } from '../types.js';

export function ops(...specs: string[]): PolicyOperation[] {
  return specs.map((spec) => {
    const [method, path] = spec.split(' ');
    return { method: method!, path: path! };
  });
}
