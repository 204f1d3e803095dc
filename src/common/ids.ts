// Resource ids. Keystone uses 32 hex digits (uuid4().hex); other services use dashed UUIDs.
import { randomUUID } from 'node:crypto';

export function newHexId(): string {
  return randomUUID().replaceAll('-', '');
}

export function newUuid(): string {
  return randomUUID();
}

const HEX_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isHexId(s: string): boolean {
  return HEX_ID.test(s);
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
