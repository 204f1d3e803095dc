// Cinder's JSON-schema format checkers (cinder/api/validation/validators.py). A checker answers true,
// false (jsonschema then says "'x' is not a 'uuid'"), or Cinder's own message when Cinder's checker
// raises its own exception (InvalidName, InvalidInput, InvalidParameterValue), which reaches the client
// as is.
import { QUOTA_RESOURCES } from '../../model.js';

type Verdict = boolean | string;

const VOLUME_STATUSES = [
  'creating',
  'available',
  'deleting',
  'error',
  'error_deleting',
  'error_managing',
  'managing',
  'attaching',
  'in-use',
  'detaching',
  'maintenance',
  'restoring-backup',
  'error_restoring',
  'reserved',
  'awaiting-transfer',
  'backing-up',
  'error_backing-up',
  'error_extending',
  'downloading',
  'uploading',
  'retyping',
  'extending',
];
const SNAPSHOT_STATUSES = [
  'error',
  'available',
  'creating',
  'deleting',
  'deleted',
  'updating',
  'error_deleting',
  'unmanaging',
  'backing-up',
  'restoring',
];
const MIGRATION_STATUSES = ['migrating', 'error', 'success', 'completing', 'none', 'starting'];
const DB_MAX_INT = 0x7fffffff;

/** Python's list repr of strings: ['a', 'b']. */
const pyList = (items: readonly string[]) => `[${items.map((i) => `'${i}'`).join(', ')}]`;
const pyTuple = (items: readonly string[]) => `(${items.map((i) => `'${i}'`).join(', ')})`;

/** uuidutils.is_uuid_like: 32 hex digits, dashes optional, braces and a urn:uuid: prefix allowed. */
export function isUuidLike(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const hex = value
    .toLowerCase()
    .replace(/^urn:uuid:/, '')
    .replace(/^\{(.*)\}$/, '$1')
    .replaceAll('-', '');
  return /^[0-9a-f]{32}$/.test(hex);
}

/** oslo's check_string_length after strip, as Cinder's *_non_mandatory_remove_white_spaces formats. */
function stringLength(value: unknown, entity: string, max: number): Verdict {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value !== 'string') return `Invalid input received: ${entity} is not a string or unicode`;
  const length = [...value.trim()].length;
  if (length > max) return `Invalid input received: ${entity} has ${length} characters, more than ${max}.`;
  return true;
}

function name(value: unknown): Verdict {
  if (value === null || value === undefined || value === '')
    return "An invalid 'name' value was provided. The 'name' can not be None.";
  if (typeof value === 'string' && value.trim() === '')
    return "An invalid 'name' value was provided. The 'name' can not be empty.";
  return true;
}

function status(kind: string, all: readonly string[], allowEmpty: boolean) {
  return (value: unknown): Verdict => {
    if (allowEmpty && (value === null || value === '' || value === undefined)) return true;
    if (typeof value === 'string' && all.includes(value.toLowerCase())) return true;
    const shown = typeof value === 'string' ? value : String(value);
    return `${kind} status: ${shown} is invalid, valid statuses are: ${pyTuple(all)}.`;
  };
}

function volumeResetBody(value: unknown): Verdict {
  const v = (value ?? {}) as Record<string, unknown>;
  if (!v.status && !v.attach_status && !v.migration_status)
    return "Must specify 'status', 'attach_status' or 'migration_status' for update.";
  return true;
}

function attachStatus(value: unknown): Verdict {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value === 'string' && ['attached', 'detached'].includes(value.toLowerCase())) return true;
  return `Volume attach status: ${String(value)} is invalid, valid statuses are: ${pyList(['attached', 'detached'])}.`;
}

/** api_utils.validate_integer through oslo's strutils, for each limit of a quota set. */
function quotaSet(value: unknown): Verdict {
  const set = (value ?? {}) as Record<string, unknown>;
  const known = new Set(Object.values(QUOTA_RESOURCES));
  const bad = Object.keys(set).filter((k) => !known.has(k) && k !== 'tenant_id' && k !== 'id');
  for (const [key, raw] of Object.entries(set)) {
    if (!known.has(key)) continue;
    const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `${key} must be an integer.`;
    if (n < -1) return `${key} must be >= -1`;
    if (n > DB_MAX_INT) return `${key} must be <= ${DB_MAX_INT}`;
  }
  if (bad.length > 0) return `Invalid input received: Bad key(s) in quota set: ${bad.join(', ')}`;
  return true;
}

function progress(value: unknown): Verdict {
  if (!value) return true;
  const text = String(value);
  const n = Number(text.slice(0, -1));
  if (!/^-?\d+$/.test(text.slice(0, -1).trim()))
    return 'Invalid input received: progress must be an integer percentage';
  if (n < 0 || n > 100 || !text.endsWith('%'))
    return 'Invalid input received: progress must be an integer percentage between 0 and 100';
  return true;
}

/** Query parameters (cinder/api/common.py, utils.get_bool_param): Cinder's own messages. */
function limitParam(value: unknown): Verdict {
  const text = String(value).trim();
  if (!/^[-+]?\d+$/.test(text)) return 'limit param must be an integer';
  if (Number(text) < 0) return 'limit param must be positive';
  return true;
}

function offsetParam(value: unknown): Verdict {
  const text = String(value).trim();
  if (!/^[-+]?\d+$/.test(text)) return 'offset must be an integer';
  if (Number(text) < 0) return 'offset must be >= 0';
  if (Number(text) > DB_MAX_INT) return `offset must be <= ${DB_MAX_INT}`;
  return true;
}

const BOOL_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes', '0', 'f', 'false', 'off', 'n', 'no']);

function boolParam(value: unknown, key: string): Verdict {
  if (typeof value === 'string' && BOOL_STRINGS.has(value.toLowerCase())) return true;
  return `Value '${String(value)}' for '${key}' is not a boolean.`;
}

const CHECKERS: Record<string, (value: unknown, key: string) => Verdict> = {
  limit_param: limitParam,
  offset_param: offsetParam,
  boolean_param: boolParam,
  uuid: isUuidLike,
  name,
  name_non_mandatory_remove_white_spaces: (v) => stringLength(v, 'name', 255),
  description_non_mandatory_remove_white_spaces: (v) => stringLength(v, 'description', 255),
  mysql_text: (v) => typeof v !== 'string' || Buffer.byteLength(v, 'utf8') <= 65_535,
  'date-time': (v) => typeof v !== 'string' || !Number.isNaN(Date.parse(v)),
  volume_status: status('Volume', VOLUME_STATUSES, true),
  volume_attach_status: attachStatus,
  volume_migration_status: status('Volume migration', MIGRATION_STATUSES, true),
  validate_volume_reset_body: volumeResetBody,
  snapshot_status: status('Snapshot', SNAPSHOT_STATUSES, false),
  backup_status: (v) =>
    typeof v === 'string' && ['available', 'error'].includes(v.toLowerCase())
      ? true
      : `Backup status: ${String(v)} is invalid, valid statuses are: ${pyList(['available', 'error'])}.`,
  quota_set: quotaSet,
  progress,
};

/** A format Cinder does not register passes, as in jsonschema. */
export function checkFormat(format: string, value: unknown, key = ''): Verdict {
  const checker = CHECKERS[format];
  return checker === undefined ? true : checker(value, key);
}
