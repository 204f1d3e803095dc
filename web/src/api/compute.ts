// Nova calls the console makes (microversion 2.79: embedded flavors, tags, remote consoles).
import { json, type RequestOptions } from './client';
import type { Session } from './session';

export const NOVA_VERSION = '2.79';

export interface Server {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:power_state'?: number;
  addresses: Record<string, { addr: string; 'OS-EXT-IPS:type'?: string; version: number }[]>;
  flavor: { original_name?: string; vcpus?: number; ram?: number; disk?: number };
  image: { id: string } | '';
  key_name: string | null;
  created: string;
  tenant_id: string;
  fault?: { message: string };
  'os-extended-volumes:volumes_attached'?: { id: string }[];
}

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  'os-flavor-access:is_public'?: boolean;
  description?: string | null;
}

export function nova<T>(session: Session, path: string, options: RequestOptions = {}): Promise<T> {
  return json<T>(session, 'compute', path, { microversion: NOVA_VERSION, ...options });
}

export async function listServers(session: Session, allProjects = false): Promise<Server[]> {
  const query = allProjects ? '?all_tenants=1&limit=1000' : '?limit=1000';
  return (await nova<{ servers: Server[] }>(session, `/servers/detail${query}`)).servers;
}

export function serverAction(session: Session, id: string, body: Record<string, unknown>): Promise<unknown> {
  return nova(session, `/servers/${id}/action`, { method: 'POST', body });
}

export async function consoleUrl(session: Session, id: string, protocol: 'vnc' | 'serial'): Promise<string> {
  const body = { remote_console: { protocol, type: protocol === 'vnc' ? 'novnc' : 'serial' } };
  const answer = await nova<{ remote_console: { url: string } }>(session, `/servers/${id}/remote-consoles`, {
    method: 'POST',
    body,
  });
  return answer.remote_console.url;
}

/** The WebSocket of a console URL: the serial URL is one; the noVNC page URL carries the token. */
export function websocketOf(url: string): string {
  const token = new URL(url).searchParams.get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/console/websocket?token=${encodeURIComponent(token)}`;
}

export function addressesOf(server: Server): string[] {
  return Object.values(server.addresses ?? {}).flatMap((list) => list.map((a) => a.addr));
}
