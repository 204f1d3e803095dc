// One supervised dnsmasq per network with DHCP, inside its qdhcp namespace, in the foreground as our
// child (infra-probe §4.2). Static leases only: the hosts file maps each port's MAC to its address and
// is reloaded with SIGHUP; option 121 gives the subnet's routes, 169.254.169.254 included. A pid file
// per network lets a restarted process find and stop instances a previous process left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkSpec, PortSpec, SubnetSpec } from '../driver.js';
import { parseCidrMask } from './netmask.js';

export interface DhcpInstance {
  network: NetworkSpec;
  dhcpPort: PortSpec;
  netns: string;
  device: string;
}

interface Running {
  child: ChildProcess;
  argsKey: string;
  startedAtMs: number;
  hosts: string;
}

/** dnsmasq dies of a SIGHUP that arrives before it has installed its handler; wait this long. */
const STARTUP_GRACE_MS = 1500;

function hostsFile(network: NetworkSpec): string {
  const lines: string[] = [];
  for (const port of network.ports) {
    if (port.deviceOwner === 'network:dhcp') continue;
    for (const f of port.fixedIps) {
      if (f.ipAddress.includes(':')) continue;
      lines.push(`${port.macAddress},host-${f.ipAddress.replaceAll('.', '-')},${f.ipAddress}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function subnetArgs(s: SubnetSpec, index: number, dhcpIp: string | undefined): string[] {
  const tag = `s${index}`;
  const [network, mask] = parseCidrMask(s.cidr);
  const args = [`--dhcp-range=set:${tag},${network},static,${mask},86400s`];
  const router = s.gatewayIp ?? dhcpIp;
  if (s.gatewayIp) args.push(`--dhcp-option-force=tag:${tag},option:router,${s.gatewayIp}`);
  else args.push(`--dhcp-option-force=tag:${tag},option:router`);
  const routes = [...s.hostRoutes.map((r) => `${r.destination},${r.nexthop}`)];
  if (router) routes.push(`169.254.169.254/32,${router}`);
  if (s.gatewayIp) routes.push(`0.0.0.0/0,${s.gatewayIp}`);
  if (routes.length)
    args.push(`--dhcp-option-force=tag:${tag},option:classless-static-route,${routes.join(',')}`);
  if (s.dnsNameservers.length)
    args.push(`--dhcp-option-force=tag:${tag},option:dns-server,${s.dnsNameservers.join(',')}`);
  return args;
}

export function createDnsmasqSupervisor(
  stateDir: string,
  log: (event: string, detail: Record<string, unknown>) => void,
) {
  const dir = join(stateDir, 'dhcp');
  mkdirSync(dir, { recursive: true });
  const running = new Map<string, Running>();

  function stopPidFile(networkId: string): void {
    const pidFile = join(dir, networkId, 'pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    // Only a dnsmasq whose command line names our directory is ours to stop.
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (pid > 0 && cmdline.includes('dnsmasq') && cmdline.includes(join(dir, networkId)))
      process.kill(pid, 'SIGKILL');
    rmSync(pidFile, { force: true });
  }

  function start(inst: DhcpInstance, args: string[], argsKey: string, hosts: string): void {
    const netDir = join(dir, inst.network.id);
    // A lease of an address to an old MAC would stop dnsmasq from handing it to the port that now owns
    // it; the hosts file is the truth, so every start begins with no lease database.
    rmSync(join(netDir, 'leases'), { force: true });
    const child = spawn('ip', ['netns', 'exec', inst.netns, 'dnsmasq', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('exit', (code, signal) => {
      const current = running.get(inst.network.id);
      if (current?.child === child) running.delete(inst.network.id);
      if (signal !== 'SIGTERM' && signal !== 'SIGKILL')
        log('network.dnsmasq.exited', { networkId: inst.network.id, code, signal, stderr });
    });
    if (child.pid) writeFileSync(join(netDir, 'pid'), String(child.pid));
    running.set(inst.network.id, { child, argsKey, startedAtMs: Date.now(), hosts });
  }

  return {
    /** Brings dnsmasq of every network in `wanted` up to date and stops every other one we own. */
    ensure(wanted: DhcpInstance[]): void {
      const keep = new Set(wanted.map((w) => w.network.id));
      for (const [id, r] of running) {
        if (keep.has(id)) continue;
        r.child.kill('SIGTERM');
        running.delete(id);
      }
      for (const entry of readdirSync(dir)) {
        if (keep.has(entry)) continue;
        stopPidFile(entry);
        rmSync(join(dir, entry), { recursive: true, force: true });
      }
      for (const inst of wanted) this.ensureOne(inst);
    },
    ensureOne(inst: DhcpInstance): void {
      const netDir = join(dir, inst.network.id);
      mkdirSync(netDir, { recursive: true });
      const hostsPath = join(netDir, 'hosts');
      const hosts = hostsFile(inst.network);
      writeFileSync(hostsPath, hosts);
      const v4 = inst.network.subnets.filter((s) => s.ipVersion === 4 && s.enableDhcp);
      const dhcpIp = inst.dhcpPort.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress;
      const args = [
        '--keep-in-foreground',
        '--no-daemon',
        '--conf-file=/dev/null',
        '--no-hosts',
        '--no-resolv',
        '--port=0',
        '--bind-interfaces',
        `--interface=${inst.device}`,
        '--except-interface=lo',
        '--user=root',
        `--dhcp-hostsfile=${hostsPath}`,
        `--dhcp-leasefile=${join(netDir, 'leases')}`,
        `--pid-file=${join(netDir, 'dnsmasq.pid')}`,
        `--dhcp-option-force=option:mtu,${inst.network.mtu}`,
        '--dhcp-authoritative',
        ...v4.flatMap((s, i) => subnetArgs(s, i, dhcpIp)),
      ];
      const argsKey = args.join(' ');
      const current = running.get(inst.network.id);
      // Added hosts only need a reload; a removed or changed one needs a restart to forget its lease.
      const onlyAdded =
        current !== undefined && current.hosts.split('\n').every((line) => hosts.includes(line));
      if (current && current.argsKey === argsKey && onlyAdded) {
        current.hosts = hosts;
        const age = Date.now() - current.startedAtMs;
        if (age >= STARTUP_GRACE_MS) current.child.kill('SIGHUP');
        else setTimeout(() => current.child.kill('SIGHUP'), STARTUP_GRACE_MS - age).unref();
        return;
      }
      if (current) {
        current.child.kill('SIGTERM');
        running.delete(inst.network.id);
      }
      stopPidFile(inst.network.id);
      start(inst, args, argsKey, hosts);
    },
    isRunning: (networkId: string) => running.has(networkId),
    /** Stops every dnsmasq this process started. */
    stopAll(): void {
      for (const [id, r] of running) {
        r.child.kill('SIGTERM');
        rmSync(join(dir, id, 'pid'), { force: true });
      }
      running.clear();
    },
  };
}

export type DnsmasqSupervisor = ReturnType<typeof createDnsmasqSupervisor>;
