// Neutron, Glance and Cinder list helpers shared by several pages.
import { json } from './client';
import type { Session } from './session';

export interface Network {
  id: string;
  name: string;
  status: string;
  subnets: string[];
  'router:external'?: boolean;
  shared?: boolean;
  project_id: string;
}
export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  gateway_ip: string | null;
  ip_version: number;
  enable_dhcp: boolean;
}
export interface Router {
  id: string;
  name: string;
  status: string;
  external_gateway_info: { network_id: string } | null;
}
export interface Port {
  id: string;
  network_id: string;
  device_id: string;
  device_owner: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}
export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  status: string;
}
export interface SecurityGroupRule {
  id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}
export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  security_group_rules: SecurityGroupRule[];
}
export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  size: number | null;
  disk_format: string | null;
  owner: string;
  min_disk: number;
  protected: boolean;
}

export function neutron<T>(session: Session, path: string, method = 'GET', body?: unknown): Promise<T> {
  return json<T>(session, 'network', `/v2.0${path}`, { method, body });
}

export async function listNetworks(session: Session): Promise<Network[]> {
  return (await neutron<{ networks: Network[] }>(session, '/networks')).networks;
}
export async function listSubnets(session: Session): Promise<Subnet[]> {
  return (await neutron<{ subnets: Subnet[] }>(session, '/subnets')).subnets;
}
export async function listSecurityGroups(session: Session): Promise<SecurityGroup[]> {
  const project = session.project ? `?project_id=${session.project.id}` : '';
  return (await neutron<{ security_groups: SecurityGroup[] }>(session, `/security-groups${project}`))
    .security_groups;
}
export async function listImages(session: Session, query = ''): Promise<Image[]> {
  return (await json<{ images: Image[] }>(session, 'image', `/v2/images?limit=1000${query}`)).images;
}
