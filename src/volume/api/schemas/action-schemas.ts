// Bodies of POST /volumes/{id}/action, one schema per action (cinder/api/schemas/volume_actions.py,
// admin_actions.py, volume_image_metadata.py). Actions this service does not implement are absent, so
// they get Cinder's "There is no such action" like any unknown action.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import type { ActionSchema } from '../validation.js';
import { AnyValue, Boolean, Description, ImageMetadata, VolumeSize } from './parameter-types.js';

/** `{"<action>": {…}}` with nothing else; fields not marked optional are required. */
function action<P extends TProperties>(name: string, properties: P) {
  return Type.Object(
    { [name]: Type.Object(properties, { additionalProperties: false }) },
    { additionalProperties: false },
  );
}

/** Actions whose value Cinder does not read (`{"os-force_delete": {}}`). */
const bare = (name: string) => Type.Object({ [name]: AnyValue }, { additionalProperties: false });

const status = (format: string) => Type.Unsafe<string | null>({ type: ['string', 'null'], format });

const uploadFields = {
  image_name: Type.String({ minLength: 1, maxLength: 255 }),
  force: Type.Optional(Boolean),
  disk_format: Type.Optional(
    Type.Unsafe<string>({ type: 'string', enum: ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop'] }),
  ),
  container_format: Type.Optional(Description),
};
const uploadV31Fields = {
  ...uploadFields,
  visibility: Type.Optional(
    Type.Unsafe<string>({ type: 'string', enum: ['community', 'public', 'private', 'shared'] }),
  ),
  protected: Type.Optional(Boolean),
};

export const UploadImage = Type.Object(uploadV31Fields, { additionalProperties: false });
export type UploadImageArgs = Static<typeof UploadImage>;

const errorValue = Type.Unsafe<string | boolean | null>({ type: ['string', 'null', 'boolean'] });

export const VOLUME_ACTIONS: Readonly<Record<string, ActionSchema>> = {
  'os-extend': { schema: action('os-extend', { new_size: VolumeSize }) },
  'os-reset_status': {
    schema: Type.Object(
      {
        'os-reset_status': Type.Unsafe<Record<string, string | null>>({
          type: 'object',
          format: 'validate_volume_reset_body',
          properties: {
            status: status('volume_status'),
            attach_status: status('volume_attach_status'),
            migration_status: status('volume_migration_status'),
          },
          additionalProperties: false,
        }),
      },
      { additionalProperties: false },
    ),
  },
  'os-set_bootable': { schema: action('os-set_bootable', { bootable: Boolean }) },
  'os-update_readonly_flag': {
    schema: action('os-update_readonly_flag', { readonly: Boolean }),
  },
  'os-volume_upload_image': {
    schema: [
      { to: 0, schema: action('os-volume_upload_image', uploadFields) },
      { from: 1, schema: action('os-volume_upload_image', uploadV31Fields) },
    ],
  },
  'os-force_delete': { schema: bare('os-force_delete') },
  'os-extend_volume_completion': {
    from: 71,
    schema: action('os-extend_volume_completion', { error: Type.Optional(errorValue) }),
  },
  'os-show_image_metadata': { schema: bare('os-show_image_metadata') },
  'os-set_image_metadata': {
    schema: action('os-set_image_metadata', { metadata: ImageMetadata }),
  },
  'os-unset_image_metadata': {
    schema: action('os-unset_image_metadata', { key: Type.String({ minLength: 1, maxLength: 255 }) }),
  },
};

/** Snapshot actions (admin_actions.py): force delete and reset status. */
export const SNAPSHOT_ACTIONS: Readonly<Record<string, ActionSchema>> = {
  'os-force_delete': { schema: bare('os-force_delete') },
  'os-reset_status': {
    schema: action('os-reset_status', { status: Type.String({ format: 'snapshot_status' }) }),
  },
};

/** Backup actions (admin_actions.py): force delete and reset status. */
export const BACKUP_ACTIONS: Readonly<Record<string, ActionSchema>> = {
  'os-force_delete': { schema: bare('os-force_delete') },
  'os-reset_status': {
    schema: action('os-reset_status', { status: Type.String({ format: 'backup_status' }) }),
  },
};

/** Attachment actions (attachments.py): os-complete, 3.44. */
export const ATTACHMENT_ACTIONS: Readonly<Record<string, ActionSchema>> = {
  'os-complete': { from: 44, schema: bare('os-complete') },
};
