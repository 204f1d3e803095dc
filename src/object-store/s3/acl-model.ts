// S3's ACL model over Swift's. Grantees are canonical ids (a canonical id is a Keystone project id: an
// S3 account is a project) and the AllUsers / AuthenticatedUsers / LogDelivery groups; permissions are
// READ, WRITE, READ_ACP, WRITE_ACP and FULL_CONTROL.
//
// A bucket's READ and WRITE grants ARE its Swift container ACL, so both APIs decide alike:
// READ to a project is `<project>:*` in X-Container-Read, to AuthenticatedUsers `*:*`, to AllUsers
// `.r:*,.rlistings`; WRITE likewise in X-Container-Write. What Swift cannot say (READ_ACP and WRITE_ACP
// grants, WRITE for AllUsers, the LogDelivery group) is kept in a system header beside them.
// An object has an ACL of its own once one is given (x-amz-acl, x-amz-grant-*, PutObjectAcl, or a writer
// other than the bucket owner); it is kept in a system header on the object, and Swift's object reads
// consult it too (api/swift/access.ts). An object without one follows its bucket, as Swift objects do.
import type { StoredMetadata } from '../model.js';

export type Permission = 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP' | 'FULL_CONTROL';
export const PERMISSIONS: readonly Permission[] = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'];

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
export const GROUP_URIS: readonly string[] = [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];

export type Grantee = { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };

export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

export interface Acl {
  /** The owner's canonical id (project id). */
  owner: string;
  grants: Grant[];
}

/** Who asks: a project's key, or nobody. */
export type AclCaller = { projectId: string } | undefined;

export const BUCKET_ACL_HEADER = 'x-container-sysmeta-s3api-acl';
export const OBJECT_ACL_HEADER = 'x-object-sysmeta-s3api-acl';

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

const user = (id: string): Grantee => ({ type: 'CanonicalUser', id });
const group = (uri: string): Grantee => ({ type: 'Group', uri });

/**
 * The grants of a canned ACL. `owner` owns the resource; `bucketOwner` is the bucket's owner (the
 * bucket-owner-* ACLs name it; on a bucket they equal private, as in S3).
 */
export function cannedGrants(acl: CannedAcl, owner: string, bucketOwner: string): Grant[] {
  const grants: Grant[] = [{ grantee: user(owner), permission: 'FULL_CONTROL' }];
  const add = (grantee: Grantee, ...permissions: Permission[]) => {
    for (const permission of permissions) grants.push({ grantee, permission });
  };
  if (acl === 'public-read') add(group(ALL_USERS), 'READ');
  if (acl === 'public-read-write') add(group(ALL_USERS), 'READ', 'WRITE');
  if (acl === 'authenticated-read') add(group(AUTHENTICATED_USERS), 'READ');
  if (acl === 'log-delivery-write') add(group(LOG_DELIVERY), 'WRITE', 'READ_ACP');
  if (owner !== bucketOwner && acl === 'bucket-owner-read') add(user(bucketOwner), 'READ');
  if (owner !== bucketOwner && acl === 'bucket-owner-full-control') add(user(bucketOwner), 'FULL_CONTROL');
  return grants;
}

export function sameGrantee(a: Grantee, b: Grantee): boolean {
  return a.type === 'CanonicalUser'
    ? b.type === 'CanonicalUser' && a.id === b.id
    : b.type === 'Group' && a.uri === b.uri;
}

/** Whether a grantee names the caller (AllUsers names everyone, AuthenticatedUsers every key). */
export function granteeNames(grantee: Grantee, caller: AclCaller): boolean {
  if (grantee.type === 'Group') {
    if (grantee.uri === ALL_USERS) return true;
    return grantee.uri === AUTHENTICATED_USERS && caller !== undefined;
  }
  return caller !== undefined && grantee.id === caller.projectId;
}

/** Whether the grants give the caller `permission` (FULL_CONTROL gives every permission). */
export function grantsAllow(grants: readonly Grant[], caller: AclCaller, permission: Permission): boolean {
  return grants.some(
    (g) =>
      (g.permission === permission || g.permission === 'FULL_CONTROL') && granteeNames(g.grantee, caller),
  );
}

/** Whether a grant makes something public (AllUsers or AuthenticatedUsers), as S3's public access block sees it. */
export function isPublicGrant(grant: Grant): boolean {
  return grant.grantee.type === 'Group' && grant.grantee.uri !== LOG_DELIVERY;
}

function parseAcl(text: string | undefined): Acl | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Acl;
    if (typeof value.owner === 'string' && Array.isArray(value.grants)) return value;
  } catch {
    // A damaged header counts as no ACL: the resource falls back to its container's rules.
  }
  return undefined;
}

/** The object's own ACL, or undefined when it follows its bucket. */
export function objectAclOf(metadata: StoredMetadata): Acl | undefined {
  return parseAcl(metadata.headers[OBJECT_ACL_HEADER]);
}

/** The metadata with the object's own ACL set (or removed: it then follows its bucket). */
export function withObjectAcl(metadata: StoredMetadata, acl: Acl | undefined): StoredMetadata {
  const headers = { ...metadata.headers };
  if (acl) headers[OBJECT_ACL_HEADER] = JSON.stringify(acl);
  else delete headers[OBJECT_ACL_HEADER];
  return { meta: metadata.meta, headers };
}

/**
 * For Swift's and S3's object reads alike: what an object's own ACL says about reading it, or
 * undefined when it has none (the container's read ACL decides).
 */
export function objectReadAllowed(
  objectMetadata: StoredMetadata | undefined,
  caller: AclCaller,
): boolean | undefined {
  const acl = objectMetadata && objectAclOf(objectMetadata);
  if (!acl) return undefined;
  return grantsAllow(acl.grants, caller, 'READ');
}

// ---- Buckets: READ and WRITE in Swift's container ACL, the rest in a system header ----

function elements(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The grantee a Swift ACL element stands for, when S3 can name it. */
function granteeOfElement(element: string): Grantee | undefined {
  if (element === '.r:*') return group(ALL_USERS);
  if (element === '*:*') return group(AUTHENTICATED_USERS);
  const match = /^([^:.*][^:]*):\*$/.exec(element);
  return match ? user(match[1] as string) : undefined;
}

function elementOf(grantee: Grantee, permission: 'READ' | 'WRITE'): string[] {
  if (grantee.type === 'CanonicalUser') return [`${grantee.id}:*`];
  if (grantee.uri === AUTHENTICATED_USERS) return ['*:*'];
  // Swift has no anonymous writes: WRITE for AllUsers lives in the system header only.
  if (grantee.uri === ALL_USERS && permission === 'READ') return ['.r:*', '.rlistings'];
  return [];
}

function swiftExpressible(g: Grant): boolean {
  return (
    (g.permission === 'READ' || g.permission === 'WRITE') && elementOf(g.grantee, g.permission).length > 0
  );
}

const FOUR = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const;

/** Splits FULL_CONTROL into its four permissions, so that each can be stored where it belongs. */
function expand(grants: readonly Grant[]): Grant[] {
  return grants.flatMap((g) =>
    g.permission === 'FULL_CONTROL' ? FOUR.map((permission) => ({ grantee: g.grantee, permission })) : [g],
  );
}

/** Groups grants by grantee, dropping duplicates; all four permissions are shown as FULL_CONTROL. */
function collapse(grants: readonly Grant[]): Grant[] {
  const byGrantee: Array<{ grantee: Grantee; permissions: Set<Permission> }> = [];
  for (const g of grants) {
    let entry = byGrantee.find((e) => sameGrantee(e.grantee, g.grantee));
    if (!entry) {
      entry = { grantee: g.grantee, permissions: new Set() };
      byGrantee.push(entry);
    }
    entry.permissions.add(g.permission);
  }
  return byGrantee.flatMap(({ grantee, permissions }): Grant[] => {
    const full = permissions.has('FULL_CONTROL') || FOUR.every((p) => permissions.has(p));
    if (full) return [{ grantee, permission: 'FULL_CONTROL' as const }];
    return FOUR.filter((p) => permissions.has(p)).map((permission) => ({ grantee, permission }));
  });
}

/** The bucket's ACL, read from its Swift container ACL and the system header. */
export function bucketAclOf(container: StoredMetadata, owner: string): Acl {
  const grants: Grant[] = [{ grantee: user(owner), permission: 'FULL_CONTROL' }];
  for (const permission of ['READ', 'WRITE'] as const) {
    const header = permission === 'READ' ? 'x-container-read' : 'x-container-write';
    for (const element of elements(container.headers[header])) {
      const grantee = granteeOfElement(element);
      if (grantee && !(grantee.type === 'CanonicalUser' && grantee.id === owner)) {
        grants.push({ grantee, permission });
      }
    }
  }
  const extra = parseAcl(container.headers[BUCKET_ACL_HEADER]);
  for (const g of extra?.grants ?? []) grants.push(g);
  return { owner, grants: collapse(grants) };
}

/**
 * The container metadata carrying a new bucket ACL: READ and WRITE grants become the Swift ACL
 * (replacing what S3 can express there; Swift-only elements such as single users and referrer rules
 * other than `.r:*` are kept), the other grants the system header.
 */
export function withBucketAcl(container: StoredMetadata, acl: Acl): StoredMetadata {
  const expanded = expand(acl.grants).filter(
    (g) => !(g.grantee.type === 'CanonicalUser' && g.grantee.id === acl.owner),
  );
  const headers = { ...container.headers };
  for (const permission of ['READ', 'WRITE'] as const) {
    const header = permission === 'READ' ? 'x-container-read' : 'x-container-write';
    const kept = elements(headers[header]).filter(
      (e) => granteeOfElement(e) === undefined && e !== '.rlistings',
    );
    const granted = expanded
      .filter((g) => g.permission === permission)
      .flatMap((g) => elementOf(g.grantee, permission));
    const all = [...new Set([...granted, ...kept])];
    if (all.length > 0) headers[header] = all.join(',');
    else delete headers[header];
  }
  const rest = expanded.filter((g) => !swiftExpressible(g));
  if (rest.length > 0) headers[BUCKET_ACL_HEADER] = JSON.stringify({ owner: acl.owner, grants: rest });
  else delete headers[BUCKET_ACL_HEADER];
  return { meta: container.meta, headers };
}

/** Grants that a bucket policy or the public access block must see as public. */
export function publicGrants(acl: Acl): Grant[] {
  return acl.grants.filter(isPublicGrant);
}
