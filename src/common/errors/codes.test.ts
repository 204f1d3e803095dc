import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errors } from './codes.js';

describe('error codes', () => {
  it('are exactly the codes documented in docs/errors.md, with the same statuses', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    const made = Object.values(errors).map((factory) =>
      (factory as (a: string, b: string) => { code: string; status: number })('x', 'y'),
    );
    for (const e of made) expect(rows).toContainEqual([e.code, e.status]);
  });

  it('are built only by the error tables (src/common/errors and the *errors.ts of a service)', () => {
    const src = fileURLToPath(new URL('../../', import.meta.url));
    const adHoc = (readdirSync(src, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => !file.startsWith(join('common', 'errors')) && !/errors\.ts$/.test(file))
      .filter((file) => readFileSync(join(src, file), 'utf8').includes('new ApiError('));
    expect(adHoc).toEqual([]);
  });
});
