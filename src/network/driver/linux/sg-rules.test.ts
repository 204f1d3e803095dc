// The security group ruleset text: anti-spoofing per port, marks, and stateful per-port chains.
import { describe, expect, it } from 'vitest';
import type { PortSpec } from '../driver.js';
import { securityGroupRuleset } from './sg-rules.js';

const port = (id: string, ip: string, groups: string[]): PortSpec => ({
  id,
  networkId: 'net',
  macAddress: 'fa:16:3e:00:00:01',
  fixedIps: [{ subnetId: 's', ipAddress: ip }],
  deviceOwner: 'compute:nova',
  portSecurityEnabled: true,
  securityGroupIds: groups,
  allowedAddressPairs: [{ ipAddress: '10.0.0.99', macAddress: 'fa:16:3e:00:00:01' }],
  adminStateUp: true,
});

describe('securityGroupRuleset', () => {
  it('marks, anti-spoofs and filters each port', () => {
    const text = securityGroupRuleset(
      [
        port('aaaaaaaa-0000', '10.0.0.5', ['g']),
        { ...port('bbbbbbbb-0000', '10.0.0.6', []), portSecurityEnabled: false },
      ],
      [
        {
          id: 'g',
          stateful: true,
          rules: [
            {
              direction: 'ingress',
              ethertype: 'IPv4',
              protocol: 'tcp',
              portRangeMin: 22,
              portRangeMax: 22,
              remotePrefixes: ['0.0.0.0/0'],
              matchesNothing: false,
            },
            {
              direction: 'ingress',
              ethertype: 'IPv4',
              protocol: null,
              portRangeMin: null,
              portRangeMax: null,
              remotePrefixes: [],
              matchesNothing: true,
            },
            {
              direction: 'egress',
              ethertype: 'IPv4',
              protocol: null,
              portRangeMin: null,
              portRangeMax: null,
              remotePrefixes: [],
              matchesNothing: false,
            },
          ],
        },
      ],
    );
    expect(text).toContain('iifname "tapaaaaaaaa000" jump from_1');
    expect(text).not.toContain('tapbbbbbbbb000');
    expect(text).toContain('ip saddr != { 10.0.0.5, 10.0.0.99 } drop');
    expect(text).toContain('meta nfproto ipv4 meta l4proto tcp th dport 22 ip saddr { 0.0.0.0/0 } return');
    expect(text).toContain('ct state established,related accept');
    expect(text.match(/return\n\s+drop/g)?.length).toBeGreaterThan(0);
  });

  it('checks stateless ports before conntrack accepts replies, stateful ones after', () => {
    const text = securityGroupRuleset(
      [port('aaaaaaaa-0000', '10.0.0.5', ['stateless']), port('bbbbbbbb-0000', '10.0.0.6', ['stateful'])],
      [
        { id: 'stateless', stateful: false, rules: [] },
        { id: 'stateful', stateful: true, rules: [] },
      ],
    );
    const ct = text.indexOf('ct state established,related accept');
    expect(text.indexOf('jump eg_1')).toBeLessThan(ct);
    expect(text.indexOf('jump in_1')).toBeLessThan(ct);
    expect(text.indexOf('jump eg_2')).toBeGreaterThan(ct);
    expect(text.indexOf('jump in_2')).toBeGreaterThan(ct);
  });

  it('drops every frame of an administratively down port, filtered or not', () => {
    const text = securityGroupRuleset(
      [
        { ...port('aaaaaaaa-0000', '10.0.0.5', []), adminStateUp: false },
        { ...port('cccccccc-0000', '10.0.0.7', []), adminStateUp: false, deviceOwner: 'network:dhcp' },
        port('bbbbbbbb-0000', '10.0.0.6', []),
      ],
      [],
    );
    expect(text).toContain('iifname "tapaaaaaaaa000" drop');
    expect(text).toContain('oifname "tapaaaaaaaa000" drop');
    expect(text).toContain('iifname "tapcccccccc000" drop');
    expect(text).not.toContain('iifname "tapbbbbbbbb000" drop');
  });
});
