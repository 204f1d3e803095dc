// Request schemas of POST /servers/{id}/action, one per action (nova/api/openstack/compute/schemas/
// servers.py, lock_server.py, pause_server.py, suspend_server.py, console_output.py,
// admin_password.py), by microversion up to our ceiling (2.79).
import { Type, type TSchema } from '@sinclair/typebox';
import type { NovaSchema, VersionedSchema } from '../validation/nova-validate.js';
import * as p from './parameter-types.js';

const wrap = (action: string, inner: TSchema) =>
  Type.Object({ [action]: inner }, { additionalProperties: false });

function rebuildBody(minor: number) {
  const properties: Record<string, TSchema> = {
    name: p.name,
    imageRef: p.uuid,
    adminPass: p.adminPassword,
    metadata: p.metadata,
    preserve_ephemeral: p.boolean,
    'OS-DCF:diskConfig': p.diskConfig,
    accessIPv4: p.accessIPv4,
    accessIPv6: p.accessIPv6,
    ...(minor < 57 && { personality: p.personality }),
    ...(minor >= 19 && { description: p.description }),
    ...(minor >= 54 && { key_name: p.nameOrNone }),
    ...(minor >= 57 && {
      user_data: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'base64', maxLength: 65535 }),
    }),
    ...(minor >= 63 && { trusted_image_certificates: p.trustedCerts }),
  };
  const optional = Object.fromEntries(
    Object.entries(properties).map(([k, s]) => [k, k === 'imageRef' ? s : Type.Optional(s)]),
  );
  return wrap('rebuild', Type.Object(optional, { additionalProperties: false }));
}

export interface RebuildBody {
  rebuild: {
    imageRef: string;
    name?: string;
    adminPass?: string;
    metadata?: Record<string, string>;
    preserve_ephemeral?: boolean | string;
    description?: string | null;
    key_name?: string | null;
    user_data?: string | null;
    trusted_image_certificates?: string[] | null;
    accessIPv4?: string;
    accessIPv6?: string;
    personality?: unknown[];
    'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
  };
}

const REBUILD: readonly VersionedSchema[] = [
  { min: 1, max: 18, schema: rebuildBody(1) },
  { min: 19, max: 53, schema: rebuildBody(19) },
  { min: 54, max: 56, schema: rebuildBody(54) },
  { min: 57, max: 62, schema: rebuildBody(57) },
  { min: 63, schema: rebuildBody(63) },
];

const RESIZE = wrap(
  'resize',
  Type.Object(
    { flavorRef: p.flavorRef, 'OS-DCF:diskConfig': Type.Optional(p.diskConfig) },
    { additionalProperties: false },
  ),
);

export interface ResizeBody {
  resize: { flavorRef: string | number; 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL' };
}

const CREATE_IMAGE = wrap(
  'createImage',
  Type.Object({ name: p.name, metadata: Type.Optional(p.metadata) }, { additionalProperties: false }),
);

export interface CreateImageBody {
  createImage: { name: string; metadata?: Record<string, string> };
}

const REBOOT = wrap(
  'reboot',
  Type.Object(
    { type: Type.Unsafe<string>({ type: 'string', enum: ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'] }) },
    { additionalProperties: false },
  ),
);

const LOCK: readonly VersionedSchema[] = [
  { max: 72, schema: p.anyAction('lock') },
  {
    min: 73,
    schema: wrap(
      'lock',
      Type.Unsafe<{ locked_reason?: string } | null>({
        type: ['object', 'null'],
        properties: { locked_reason: { type: 'string', minLength: 1, maxLength: 255 } },
        additionalProperties: false,
      }),
    ),
  },
];

/** Nova checks unlock's body below 2.73 only (lock_server.py has no schema for it above). */
const UNLOCK: readonly VersionedSchema[] = [
  { max: 72, schema: p.anyAction('unlock') },
  { min: 73, schema: Type.Unknown() },
];

const CONSOLE_OUTPUT = wrap(
  'os-getConsoleOutput',
  Type.Object(
    {
      length: Type.Optional(
        Type.Unsafe<number | string | null>({
          type: ['integer', 'string', 'null'],
          pattern: '^-?[0-9]+$',
          minimum: -1,
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

const CHANGE_PASSWORD = wrap(
  'changePassword',
  Type.Object({ adminPass: p.adminPassword }, { additionalProperties: false }),
);

/** Every server action Nuage serves, with its schemas. */
export const SERVER_ACTIONS: Readonly<Record<string, NovaSchema>> = {
  rebuild: REBUILD,
  resize: RESIZE,
  confirmResize: p.anyAction('confirmResize'),
  revertResize: p.anyAction('revertResize'),
  createImage: CREATE_IMAGE,
  reboot: REBOOT,
  'os-start': p.anyAction('os-start'),
  'os-stop': p.anyAction('os-stop'),
  pause: p.anyAction('pause'),
  unpause: p.anyAction('unpause'),
  suspend: p.anyAction('suspend'),
  resume: p.anyAction('resume'),
  lock: LOCK,
  unlock: UNLOCK,
  'os-getConsoleOutput': CONSOLE_OUTPUT,
  changePassword: CHANGE_PASSWORD,
};
