// `nuage doctor`: what this host offers the cloud, checked for real (binaries run, devices opened).
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

interface Finding {
  name: string;
  ok: boolean;
  detail: string;
}

function versionOf(binary: string, args: string[] = ['--version']): Finding {
  try {
    const out = execFileSync(binary, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
    return { name: binary, ok: true, detail: (out.split('\n')[0] ?? '').trim() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      name: binary,
      ok: false,
      detail: e.code === 'ENOENT' ? 'not installed' : `failed: ${e.message.split('\n')[0]}`,
    };
  }
}

function kvm(): Finding {
  if (!existsSync('/dev/kvm'))
    return { name: 'kvm', ok: false, detail: '/dev/kvm absent: guests run under TCG (slow but real)' };
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return { name: 'kvm', ok: true, detail: '/dev/kvm usable' };
  } catch {
    return { name: 'kvm', ok: false, detail: '/dev/kvm present but not accessible to this user' };
  }
}

function root(): Finding {
  const uid = process.getuid?.() ?? -1;
  return {
    name: 'root',
    ok: uid === 0,
    detail:
      uid === 0 ? 'running as root: linux network driver available' : `uid ${uid}: user-mode networking only`,
  };
}

function kernelFeature(name: string, path: string, want: string): Finding {
  try {
    const value = readFileSync(path, 'utf8').trim();
    return { name, ok: value === want, detail: `${path} = ${value}` };
  } catch {
    return { name, ok: false, detail: `${path} not present` };
  }
}

export function runDoctor(): number {
  const findings: Finding[] = [
    { name: 'node', ok: true, detail: process.version },
    root(),
    kvm(),
    versionOf('qemu-system-x86_64'),
    versionOf('qemu-img'),
    versionOf('nft', ['--version']),
    versionOf('ip', ['-V']),
    versionOf('dnsmasq'),
    versionOf('genisoimage'),
    kernelFeature('ip_forward', '/proc/sys/net/ipv4/ip_forward', '1'),
  ];
  for (const f of findings)
    process.stdout.write(`${f.ok ? 'ok  ' : 'MISS'} ${f.name.padEnd(20)} ${f.detail}\n`);
  return 0;
}
