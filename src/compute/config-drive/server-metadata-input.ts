// The one mapping from a server row to the metadata builders' input, shared by the config drive (boot
// saga) and the metadata service, so that a guest reads the same documents from either.
import type { Server } from '../model.js';
import type { InstanceMetadataInput } from './metadata.js';

/** Nova's hostname from the display name: lower case, `[a-z0-9-]`, at most 63 characters. */
export function serverHostname(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 63) || 'server'
  );
}

/**
 * The metadata of `server` as the builders of metadata.ts take it. `randomSeed` is base64 of 512
 * random bytes (Nova draws a new one for every drive and every metadata request).
 */
export function serverMetadataInput(server: Server, randomSeed: string): InstanceMetadataInput {
  return {
    uuid: server.id,
    name: server.name,
    hostname: serverHostname(server.name),
    projectId: server.projectId,
    availabilityZone: server.availabilityZone,
    launchIndex: 0,
    keyPairs:
      server.keyName !== null && server.keyData !== null
        ? [{ name: server.keyName, type: 'ssh', publicKey: server.keyData }]
        : [],
    meta: server.metadata,
    randomSeed,
    ports: server.ports.map((p) => ({
      portId: p.portId,
      networkId: p.networkId,
      macAddress: p.macAddress,
      fixedIps: p.fixedIps.map((ip) => ({
        version: ip.version,
        address: ip.address,
        netmask: '',
        dhcp: true,
      })),
    })),
    dnsServers: [],
    ...(server.userData !== null && { userData: Buffer.from(server.userData, 'base64') }),
    flavorName: server.flavor.name,
    ...(server.imageId !== null && { imageId: server.imageId }),
  };
}
