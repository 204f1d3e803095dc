// IPv4 netmask text of a CIDR, for dnsmasq's dhcp-range.
export function parseCidrMask(cidr: string): [network: string, mask: string] {
  const [ip = '0.0.0.0', lenText = '32'] = cidr.split('/');
  const len = Number(lenText);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const text = [24, 16, 8, 0].map((s) => String((mask >>> s) & 0xff)).join('.');
  return [ip, text];
}
