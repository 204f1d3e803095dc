import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseHostPort } from './load.js';

describe('loadConfig', () => {
  it('runs with no configuration at all', () => {
    const config = loadConfig();
    expect(config.dataDir).toBe('./nuage-data');
    expect(config.listen).toBe('127.0.0.1:5000');
    expect(config.identity.tokenLifetimeSeconds).toBe(3600);
    expect(Object.isFrozen(config.identity)).toBe(true);
  });

  it('layers env over defaults and overrides over env, converting types', () => {
    const config = loadConfig({
      env: { NUAGE_DATA_DIR: '/tmp/a', NUAGE_IDENTITY_TOKEN_LIFETIME_SECONDS: '600' },
      overrides: { dataDir: '/tmp/b' },
    });
    expect(config.dataDir).toBe('/tmp/b');
    expect(config.identity.tokenLifetimeSeconds).toBe(600);
  });

  it('rejects unknown environment keys and bad values with the key name', () => {
    expect(() => loadConfig({ env: { NUAGE_NOPE: '1' } })).toThrow(/NUAGE_NOPE/);
    expect(() => loadConfig({ env: { NUAGE_IDENTITY_TOKEN_LIFETIME_SECONDS: 'soon' } })).toThrow(
      /identity.tokenLifetimeSeconds/,
    );
    expect(() => loadConfig({ overrides: { listen: 'nowhere' } })).toThrow(ConfigError);
  });

  it('leaves the metrics listener off unless metrics.listen (NUAGE_METRICS_LISTEN, a flag) names one', () => {
    expect(loadConfig().metrics.listen).toBe('');
    expect(loadConfig({ env: { NUAGE_METRICS_LISTEN: '127.0.0.1:9100' } }).metrics.listen).toBe(
      '127.0.0.1:9100',
    );
    expect(loadConfig({ overrides: { 'metrics.listen': '[::1]:9100' } }).metrics.listen).toBe('[::1]:9100');
    expect(() => loadConfig({ env: { NUAGE_METRICS_LISTEN: 'everywhere' } })).toThrow(/metrics.listen/);
  });

  it('rejects unknown keys from overrides', () => {
    expect(() => loadConfig({ overrides: { 'identity.colour': 'blue' } })).toThrow(
      /identity.colour: unknown key/,
    );
  });
});

describe('config file', () => {
  it('reads TOML below env and flags, and rejects unknown keys in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuage-config-'));
    const file = join(dir, 'nuage.toml');
    writeFileSync(
      file,
      'region = "EU-West"\nlisten = "127.0.0.1:6000"\n[identity]\ntokenLifetimeSeconds = 900\n',
    );
    const config = loadConfig({ file, env: { NUAGE_LISTEN: '127.0.0.1:7000' } });
    expect(config.region).toBe('EU-West');
    expect(config.listen).toBe('127.0.0.1:7000');
    expect(config.identity.tokenLifetimeSeconds).toBe(900);
    writeFileSync(file, '[identity]\nsurprise = 1\n');
    expect(() => loadConfig({ file })).toThrow(/identity.surprise: unknown key/);
    writeFileSync(file, 'not = [valid');
    expect(() => loadConfig({ file })).toThrow(/not valid TOML/);
  });
});

describe('parseHostPort', () => {
  it('splits IPv4, names and bracketed IPv6', () => {
    expect(parseHostPort('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
  });
});
