// What the metadata service needs to know to answer a guest: which server sent a request, found as
// Neutron's metadata proxy finds it (the router the request came through and the guest's address).
import type { Server } from '../model.js';

/** The server behind a metadata request, with what only the network knows about it. */
export interface MetadataInstance {
  server: Server;
  /** The floating IPv4 address of the port the request came from, for the EC2 `public-ipv4`. */
  publicIpv4?: string;
}

export interface MetadataSource {
  /**
   * The live server whose port holds `ip` on a network attached to router `routerId` (a port whose
   * `device_owner` starts with `compute:`; its `device_id` is the server id). Resolves undefined when
   * there is no such port, when the answer would be ambiguous, or when the server is unknown or
   * deleted. Never throws for an unknown router or address.
   */
  findInstance(routerId: string, ip: string): Promise<MetadataInstance | undefined>;
}
