// Validation of client-supplied image attributes, shared by create and PATCH: core attributes against
// Glance's schema, custom properties as bounded strings, read-only and reserved names refused.
import { errors } from '../common/errors/codes.js';
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  LIMITS,
  READ_ONLY_PROPERTIES,
  RESERVED_PROPERTIES,
  VISIBILITIES,
  type Image,
  type Visibility,
} from './model.js';

const bad = (message: string) => errors.badRequest(message);

function nonNegativeInt(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw bad(`Invalid value for ${key}: must be a non-negative integer.`);
  }
  return value;
}

function bool(key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw bad(`Invalid value for ${key}: must be a boolean.`);
  return value;
}

function oneOf(key: string, value: unknown, allowed: readonly string[], nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw bad(`Invalid value '${String(value)}' for ${key}: expected one of ${allowed.join(', ')}.`);
  }
  return value;
}

export function validateTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > LIMITS.maxTagLength) {
    throw bad(`Invalid tag: must be a string of 1 to ${LIMITS.maxTagLength} characters.`);
  }
  return tag;
}

function tagList(value: unknown): string[] {
  if (!Array.isArray(value)) throw bad('Invalid value for tags: must be an array of strings.');
  const tags = [...new Set(value.map(validateTag))].sort();
  if (tags.length > LIMITS.maxTagsPerImage) throw errors.payloadTooLarge('Maximum number of tags exceeded.');
  return tags;
}

function propertyValue(key: string, value: unknown): string {
  if (key.length === 0 || key.length > LIMITS.maxPropertyKeyLength)
    throw bad(`Invalid property name '${key}'.`);
  if (typeof value !== 'string') throw bad(`Invalid value for property ${key}: must be a string.`);
  if (value.length > LIMITS.maxPropertyValueLength) {
    throw bad(`Value of property ${key} is too long (at most ${LIMITS.maxPropertyValueLength} characters).`);
  }
  return value;
}

/** Applies one attribute to an image being built or patched; `value` undefined removes it. */
export function applyAttribute(image: Image, key: string, value: unknown): void {
  if (READ_ONLY_PROPERTIES.has(key)) throw errors.forbidden(`Attribute '${key}' is read-only.`);
  if (RESERVED_PROPERTIES.has(key) || key.startsWith('os_glance')) {
    throw errors.forbidden(`Attribute '${key}' is reserved.`);
  }
  const removing = value === undefined;
  switch (key) {
    case 'name':
      if (removing || value === null) image.name = null;
      else if (typeof value !== 'string' || value.length > LIMITS.maxNameLength)
        throw bad(`Invalid value for name: a string of at most ${LIMITS.maxNameLength} characters.`);
      else image.name = value;
      return;
    case 'visibility':
      image.visibility = oneOf(key, value, VISIBILITIES, false) as Visibility;
      return;
    case 'protected':
      image.protected = bool(key, value);
      return;
    case 'os_hidden':
      image.osHidden = bool(key, value);
      return;
    case 'disk_format':
      image.diskFormat = removing ? null : oneOf(key, value, DISK_FORMATS, true);
      return;
    case 'container_format':
      image.containerFormat = removing ? null : oneOf(key, value, CONTAINER_FORMATS, true);
      return;
    case 'min_disk':
      image.minDisk = nonNegativeInt(key, value);
      return;
    case 'min_ram':
      image.minRam = nonNegativeInt(key, value);
      return;
    case 'tags':
      image.tags = removing ? [] : tagList(value);
      return;
    case 'owner':
      if (typeof value !== 'string' || value.length === 0 || value.length > 255)
        throw bad('Invalid value for owner.');
      image.owner = value;
      return;
    default:
      if (removing) {
        if (!(key in image.properties)) throw errors.conflict(`Property ${key} does not exist.`);
        delete image.properties[key];
        return;
      }
      image.properties[key] = propertyValue(key, value);
      if (Object.keys(image.properties).length > LIMITS.maxPropertiesPerImage)
        throw errors.payloadTooLarge('Maximum number of properties exceeded.');
  }
}
