import { describe, expect, it } from 'vitest';
import { FormError, MultipartReader, parseParameters } from './multipart.js';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(text: string, size: number) {
  const reader = new MultipartReader(chunks(text, size), 'BOUND');
  await reader.start();
  const parts: Array<{ headers: Record<string, string>; body: string }> = [];
  for (let headers = await reader.nextPart(); headers; headers = await reader.nextPart()) {
    parts.push({ headers, body: await reader.value(1 << 20) });
  }
  return parts;
}

const form =
  '\r\n--BOUND\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n' +
  '--BOUND\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: text/plain\r\n\r\n' +
  'line\r\n--BOUNDARY-not\r\n--BOUND\r\n\r\nno headers\r\n--BOUND--\r\nepilogue';

describe('MultipartReader', () => {
  it('reads the same parts whatever the chunking', async () => {
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      const parts = await readAll(form, size);
      expect(parts.map((p) => p.body)).toEqual(['one', 'line\r\n--BOUNDARY-not', 'no headers']);
      expect(parts[1]?.headers['content-type']).toBe('text/plain');
      expect(parts[2]?.headers).toEqual({});
    }
  });

  it('refuses a bad opening boundary and a truncated form', async () => {
    await expect(readAll('--OTHER\r\n', 4)).rejects.toBeInstanceOf(FormError);
    await expect(
      readAll('--BOUND\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', 4),
    ).rejects.toThrow('unexpected end of form');
  });

  it('truncates long values', async () => {
    const reader = new MultipartReader(chunks(`--BOUND\r\n\r\n${'x'.repeat(100)}\r\n--BOUND--`, 9), 'BOUND');
    await reader.start();
    await reader.nextPart();
    expect(await reader.value(10)).toBe('x'.repeat(10));
    expect(await reader.nextPart()).toBeUndefined();
  });
});

describe('parseParameters', () => {
  it('parses quoted and bare parameters', () => {
    expect(parseParameters('form-data; name="file1"; filename="a b;c.txt"')).toEqual({
      type: 'form-data',
      params: { name: 'file1', filename: 'a b;c.txt' },
    });
    expect(parseParameters('multipart/form-data; boundary=----x123')).toEqual({
      type: 'multipart/form-data',
      params: { boundary: '----x123' },
    });
  });
});
