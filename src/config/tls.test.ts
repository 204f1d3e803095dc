import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerArgs } from '../cli/args.js';
import { ConfigError, loadConfig } from './load.js';
import { readTlsMaterial } from './tls.js';

let dir: string;
const file = (name: string) => join(dir, name);
const openssl = (args: string) => execFileSync('openssl', args.split(' '), { stdio: 'pipe' });

describe('readTlsMaterial', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nuage-tls-unit-'));
    // A self-signed certificate, and a CA with a leaf it issued (temp paths hold no spaces).
    const ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
    openssl(`req -x509 ${ec} -days 1 -subj /CN=self -keyout ${file('self.key')} -out ${file('self.pem')}`);
    openssl(`req -x509 ${ec} -days 1 -subj /CN=ca -keyout ${file('ca.key')} -out ${file('ca.pem')}`);
    openssl(`req -new ${ec} -subj /CN=leaf -keyout ${file('leaf.key')} -out ${file('leaf.csr')}`);
    openssl(
      `x509 -req -in ${file('leaf.csr')} -CA ${file('ca.pem')} -CAkey ${file('ca.key')} -set_serial 2 -days 1 -out ${file('leaf.pem')}`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is off when neither file is configured, and refuses half a configuration', () => {
    expect(readTlsMaterial({ cert: '', key: '' })).toBeUndefined();
    expect(() => readTlsMaterial({ cert: file('self.pem'), key: '' })).toThrow(/set together/);
    expect(() => readTlsMaterial({ cert: '', key: file('self.key') })).toThrow(ConfigError);
  });

  it('reads a self-signed pair with TLS 1.2 as the floor', () => {
    const material = readTlsMaterial({ cert: file('self.pem'), key: file('self.key') });
    expect(material?.selfSigned).toBe(true);
    expect(material?.minVersion).toBe('TLSv1.2');
    expect(material?.certPath).toBe(file('self.pem'));
    expect(material?.key.equals(readFileSync(file('self.key')))).toBe(true);
  });

  it('tells a CA-issued certificate from a self-signed one', () => {
    expect(readTlsMaterial({ cert: file('leaf.pem'), key: file('leaf.key') })?.selfSigned).toBe(false);
  });

  it('names the file but never its content when a file is missing, not PEM, or the key does not fit', () => {
    expect(() => readTlsMaterial({ cert: file('none.pem'), key: file('self.key') })).toThrow(
      /cannot read tls.cert file .*none\.pem: ENOENT/,
    );
    expect(() => readTlsMaterial({ cert: file('self.key'), key: file('self.key') })).toThrow(
      /holds no PEM certificate/,
    );
    const mismatch = (() => {
      try {
        readTlsMaterial({ cert: file('self.pem'), key: file('leaf.key') });
      } catch (err) {
        return err;
      }
    })();
    expect(mismatch).toBeInstanceOf(ConfigError);
    expect((mismatch as Error).message).toMatch(/tls.key does not fit tls.cert/);
    const keyBody = readFileSync(file('leaf.key'), 'utf8').split('\n')[1] ?? 'unreachable';
    expect((mismatch as Error).message).not.toContain(keyBody);
  });

  it('is configured by --tls-cert/--tls-key and by NUAGE_TLS_CERT/NUAGE_TLS_KEY', () => {
    const { overrides } = parseServerArgs(['--tls-cert', '/a.pem', '--tls-key', '/a.key']);
    expect(loadConfig({ overrides }).tls).toEqual({ cert: '/a.pem', key: '/a.key' });
    const env = { NUAGE_TLS_CERT: '/b.pem', NUAGE_TLS_KEY: '/b.key' };
    expect(loadConfig({ env }).tls).toEqual({ cert: '/b.pem', key: '/b.key' });
    expect(loadConfig().tls).toEqual({ cert: '', key: '' });
  });
});
