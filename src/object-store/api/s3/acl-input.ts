// ACLs as S3 requests carry them, validated: the x-amz-acl canned ACL, the x-amz-grant-* headers, and
// an AccessControlPolicy body; and the AccessControlPolicy document GetBucketAcl/GetObjectAcl answer.
import {
  CANNED_ACLS,
  cannedGrants,
  GROUP_URIS,
  PERMISSIONS,
  type Acl,
  type CannedAcl,
  type Grant,
  type Grantee,
  type Permission,
} from '../../s3/acl-model.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import type { S3Context } from './s3-context.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml } from './xml-parse.js';
import { el, leaf, ownerXml, xmlDocument } from './xml.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_GRANTS = 100;
/** A canonical id: a Keystone project id (hex, or the shorter ids some identity backends make). */
const CANONICAL_ID = /^[A-Za-z0-9_-]{1,64}$/;

const GRANT_HEADERS: ReadonlyArray<[string, Permission]> = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

function malformedAcl(): never {
  throw s3Error(
    'MalformedACLError',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

function unresolvableEmail(): never {
  throw s3Error(
    'UnresolvableGrantByEmailAddress',
    'The e-mail address you provided does not match any account on record.',
  );
}

function canonicalUser(id: string): Grantee {
  if (!CANONICAL_ID.test(id)) throw s3Errors.invalidArgumentValue('Invalid id', 'CanonicalUser/ID', id);
  return { type: 'CanonicalUser', id };
}

function groupGrantee(uri: string): Grantee {
  if (!GROUP_URIS.includes(uri)) throw s3Errors.invalidArgumentValue('Invalid group uri', 'Group/URI', uri);
  return { type: 'Group', uri };
}

/** The x-amz-acl header, validated. */
export function cannedAclHeader(ctx: S3Context): CannedAcl | undefined {
  const value = ctx.headers['x-amz-acl'];
  if (value === undefined) return undefined;
  if (!(CANNED_ACLS as readonly string[]).includes(value)) {
    throw s3Errors.invalidArgumentValue(`The canned ACL ${value} is not valid.`, 'x-amz-acl', value);
  }
  return value as CannedAcl;
}

/** One `type="value"` entry of a grant header: id, uri or emailAddress. */
function headerGrantee(entry: string, header: string): Grantee {
  const match = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(entry);
  if (!match) throw s3Errors.invalidArgumentValue('Invalid grant header value', header, entry);
  const [, type, value] = match as unknown as [string, string, string];
  if (type.toLowerCase() === 'id') return canonicalUser(value);
  if (type.toLowerCase() === 'uri') return groupGrantee(value);
  return unresolvableEmail();
}

/** The x-amz-grant-* headers as grants, or undefined when none is present. */
export function grantHeaders(ctx: S3Context): Grant[] | undefined {
  const grants: Grant[] = [];
  let present = false;
  for (const [header, permission] of GRANT_HEADERS) {
    const value = ctx.headers[header];
    if (value === undefined) continue;
    present = true;
    for (const entry of value.split(',')) {
      if (entry.trim() === '') continue;
      grants.push({ grantee: headerGrantee(entry, header), permission });
    }
  }
  if (grants.length > MAX_GRANTS) malformedAcl();
  return present ? grants : undefined;
}

/**
 * The ACL a request's headers ask for (x-amz-acl or x-amz-grant-*, never both), for a resource owned by
 * `owner` in a bucket owned by `bucketOwner`; undefined when it names none.
 */
export function aclFromHeaders(ctx: S3Context, owner: string, bucketOwner: string): Acl | undefined {
  const canned = cannedAclHeader(ctx);
  const grants = grantHeaders(ctx);
  if (canned !== undefined && grants !== undefined) {
    throw s3Errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined) return { owner, grants: cannedGrants(canned, owner, bucketOwner) };
  if (grants !== undefined) return { owner, grants };
  return undefined;
}

function bodyGrant(grant: ReturnType<typeof childrenNamed>[number]): Grant {
  const grantee = childNamed(grant, 'Grantee');
  const permission = childText(grant, 'Permission');
  if (!grantee || permission === undefined || !(PERMISSIONS as readonly string[]).includes(permission)) {
    malformedAcl();
  }
  const id = childText(grantee, 'ID');
  const uri = childText(grantee, 'URI');
  const email = childText(grantee, 'EmailAddress');
  const given = [id, uri, email].filter((v) => v !== undefined);
  if (given.length !== 1) malformedAcl();
  if (email !== undefined) unresolvableEmail();
  const who = id !== undefined ? canonicalUser(id.trim()) : groupGrantee((uri ?? '').trim());
  return { grantee: who, permission: permission as Permission };
}

/** An AccessControlPolicy body as an ACL of `owner`'s resource; its Owner, if given, must be the owner. */
export function aclFromBody(body: Buffer, owner: string): Acl {
  const root = expectRoot(parseXml(body), 'AccessControlPolicy');
  const ownerElement = childNamed(root, 'Owner');
  const list = childNamed(root, 'AccessControlList');
  if (!ownerElement || !list) malformedAcl();
  const ownerId = childText(ownerElement, 'ID');
  if (ownerId === undefined) malformedAcl();
  if (ownerId.trim() !== owner) throw s3Errors.accessDenied();
  const grants = childrenNamed(list, 'Grant');
  if (grants.length > MAX_GRANTS) malformedAcl();
  return { owner, grants: grants.map(bodyGrant) };
}

function granteeXml(grantee: Grantee): string {
  if (grantee.type === 'CanonicalUser') {
    return `<Grantee xmlns:xsi="${XSI}" xsi:type="CanonicalUser">${leaf('ID', grantee.id)}${leaf('DisplayName', grantee.id)}</Grantee>`;
  }
  return `<Grantee xmlns:xsi="${XSI}" xsi:type="Group">${leaf('URI', grantee.uri)}</Grantee>`;
}

/** The AccessControlPolicy document of an ACL. */
export function aclDocument(acl: Acl): string {
  const grants = acl.grants.map((g) => el('Grant', granteeXml(g.grantee), leaf('Permission', g.permission)));
  return xmlDocument('AccessControlPolicy', ownerXml('Owner', acl.owner), el('AccessControlList', ...grants));
}
