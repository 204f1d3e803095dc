// The value kinds of Neutron's attribute maps (neutron_lib validators and converters) as TypeBox
// schemas, each with the error Neutron gives for a value the schema rejects and the canonical form a
// valid value is stored in. A validator failure reads "Invalid input for <attr>. Reason: <why>."
// (webob HTTPBadRequest); a converter failure is neutron_lib's InvalidInput.
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ApiError } from '../../../common/errors/api-error.js';
import { badRequest, invalidInput } from '../../errors.js';
import { canonicalIp, cidrText, parseCidr } from '../../ipam.js';
import { FORMATS, isIpAddress, isIpSubnet, isUuidLike, registerNeutronFormats } from './formats.js';
import { pyRepr, pyStr } from '../../../common/py-repr.js';

registerNeutronFormats();

export interface Kind {
  /** Every value the API accepts for the attribute. */
  schema: TSchema;
  /** Neutron's error for a value the schema rejects. */
  fail(value: unknown, attr: string): ApiError;
  /** The canonical stored form of an accepted value (Neutron's convert_to); may still refuse it. */
  convert?(value: unknown, attr: string): unknown;
}

/** A kind built on first use and shared, so its compiled schema is too. */
function once(make: () => Kind): () => Kind {
  let kind: Kind | undefined;
  return () => (kind ??= make());
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** True if the value matches the kind's schema (compiled once per schema). */
export function accepts(kind: Kind, value: unknown): boolean {
  let check = compiled.get(kind.schema);
  if (!check) {
    check = TypeCompiler.Compile(kind.schema);
    compiled.set(kind.schema, check);
  }
  return check.Check(value);
}

export const reasonFor = (attr: string, reason: string): ApiError =>
  badRequest(`Invalid input for ${attr}. Reason: ${reason}.`, 'HTTPBadRequest');

function validated(schema: TSchema, reason: (v: unknown) => string, convert?: (v: unknown) => unknown): Kind {
  return { schema, fail: (v, attr) => reasonFor(attr, reason(v)), ...(convert ? { convert } : {}) };
}

// --- scalar schemas -----------------------------------------------------------------------------
const UuidSchema = Type.String({ format: FORMATS.uuid });
const IpSchema = Type.String({ format: FORMATS.ip, maxLength: 64 });
const SubnetSchema = Type.String({ format: FORMATS.subnet, maxLength: 64 });
const BoolLike = Type.Union([
  Type.Boolean(),
  Type.String({ pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)$' }),
  Type.Literal(0),
  Type.Literal(1),
]);
const INT_TEXT = '^\\s*[-+]?\\d{1,15}\\s*$';

const notString = (v: unknown) => `'${pyStr(v)}' is not a valid string`;
const tooLong = (v: unknown, max: number) => `'${pyStr(v)}' exceeds maximum length of ${max}`;
const isIntLike = (v: unknown) =>
  (typeof v === 'number' && Number.isInteger(v)) ||
  (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v));

export function toBoolean(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === 'string' && /^(true|1)$/i.test(v));
}

function listReason(v: unknown, item: (x: unknown) => string | undefined): string {
  if (!Array.isArray(v)) return `'${pyStr(v)}' is not a list`;
  const seen = new Set<string>();
  for (const x of v) {
    const why = item(x);
    if (why) return why;
    const key = JSON.stringify(x);
    if (seen.has(key)) return `Duplicate items in the list: '${pyStr(x)}'`;
    seen.add(key);
  }
  return `'${pyStr(v)}' is not a valid list`;
}

function dictKeysReason(expected: string[], d: Record<string, unknown>): string {
  const fmt = (keys: string[]) => `{${keys.map((k) => pyRepr(k)).join(', ')}}`;
  return `Validation of dictionary's keys failed. Expected keys: ${fmt(expected)} Provided keys: ${fmt(Object.keys(d))}`;
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const ipReason = (v: unknown) => `'${pyStr(v)}' is not a valid IP address`;
const subnetReason = (v: unknown) => `'${pyStr(v)}' is not a valid IP subnet`;
const uuidReason = (v: unknown) => `'${pyStr(v)}' is not a valid UUID`;

/** The kinds, named after the neutron_lib validators they stand for. */
export const kinds = {
  /** type:name_string / type:string — a string of at most `max` characters. */
  string: (max = 255): Kind =>
    validated(Type.String({ maxLength: max }), (v) =>
      typeof v === 'string' ? tooLong(v, max) : notString(v),
    ),
  /** type:not_empty_name_string. */
  notEmptyString: (max = 255): Kind =>
    validated(Type.String({ minLength: 1, maxLength: max }), (v) =>
      typeof v !== 'string'
        ? notString(v)
        : v === ''
          ? `'${v}' Blank strings are not permitted`
          : tooLong(v, max),
    ),
  uuid: once((): Kind => validated(UuidSchema, uuidReason)),
  uuidOrNone: once((): Kind => validated(Type.Union([UuidSchema, Type.Null()]), uuidReason)),
  /** converters.convert_to_boolean. */
  boolean: once((): Kind => ({
    schema: BoolLike,
    fail: (v) => invalidInput(`'${pyStr(v)}' cannot be converted to boolean`),
    convert: toBoolean,
  })),
  /** converters.convert_to_int then type:values. */
  intValues: (values: number[]): Kind => ({
    schema: Type.Union(values.flatMap((n) => [Type.Literal(n), Type.Literal(String(n))])),
    fail: (v, attr) =>
      isIntLike(v)
        ? reasonFor(attr, `${Number(v)} is not in ${pyRepr(values)}`)
        : invalidInput(`'${pyStr(v)}' is not an integer`),
    convert: (v) => Number(v),
  }),
  /** converters.convert_to_int then an integer range (type:range or type:non_negative). */
  intRange: (min: number, max: number): Kind => {
    const outOfRange = (n: number, attr: string) => {
      if (min === 0 && n < 0) return reasonFor(attr, `'${n}' should be non-negative`);
      if (n < min) return reasonFor(attr, `'${n}' is too small - must be at least '${min}'`);
      return reasonFor(attr, `'${n}' is too large - must be no larger than '${max}'`);
    };
    return {
      // Numeric strings convert first (convert_to_int), then the range applies to the number.
      schema: Type.Union([Type.Integer({ minimum: min, maximum: max }), Type.String({ pattern: INT_TEXT })]),
      fail: (v, attr) =>
        isIntLike(v) ? outOfRange(Number(v), attr) : invalidInput(`'${pyStr(v)}' is not an integer`),
      convert: (v, attr) => {
        const n = Number(v);
        if (n < min || n > max) throw outOfRange(n, attr);
        return n;
      },
    };
  },
  /** type:values over strings. */
  values: (values: string[]): Kind =>
    validated(
      Type.Union(values.map((s) => Type.Literal(s))),
      (v) => `${pyStr(v)} is not in ${pyRepr(values)}`,
    ),
  valuesOrNone: (values: string[]): Kind =>
    validated(
      Type.Union([...values.map((s) => Type.Literal(s)), Type.Null()]),
      (v) => `${pyStr(v)} is not in ${pyRepr(values)}`,
    ),
  ipAddress: once((): Kind => validated(IpSchema, ipReason, (v) => canonicalIp(String(v)))),
  ipAddressOrNone: once((): Kind =>
    validated(Type.Union([IpSchema, Type.Null()]), ipReason, (v) =>
      v === null ? null : canonicalIp(String(v)),
    ),
  ),
  subnetOrNone: once((): Kind =>
    validated(Type.Union([SubnetSchema, Type.Null()]), subnetReason, (v) =>
      v === null ? null : cidrText(parseCidr(String(v)) as NonNullable<ReturnType<typeof parseCidr>>),
    ),
  ),
  macAddress: once((): Kind =>
    validated(
      Type.String({ format: FORMATS.mac }),
      (v) => `'${pyStr(v)}' is not a valid MAC address`,
      (v) =>
        String(v)
          .toLowerCase()
          .replaceAll('-', ':')
          .split(':')
          .map((p) => p.padStart(2, '0'))
          .join(':'),
    ),
  ),
  /** type:uuid_list. */
  /** type:uuid_list; null means none (convert_none_to_empty_list). */
  uuidList: once((): Kind =>
    validated(
      Type.Union([Type.Array(UuidSchema, { maxItems: 1000, uniqueItems: true }), Type.Null()]),
      (v) => listReason(v, (x) => (typeof x === 'string' && isUuidLike(x) ? undefined : uuidReason(x))),
      (v) => v ?? [],
    ),
  ),
  /** type:subnet_list (subnet pool prefixes). */
  subnetList: once((): Kind =>
    validated(Type.Array(SubnetSchema, { maxItems: 1000, uniqueItems: true }), (v) =>
      listReason(v, (x) => (typeof x === 'string' && isIpSubnet(x) ? undefined : subnetReason(x))),
    ),
  ),
  /** type:nameservers; null means none. */
  nameservers: once((): Kind =>
    validated(
      Type.Union([Type.Array(IpSchema, { maxItems: 100, uniqueItems: true }), Type.Null()]),
      (v) => {
        if (!Array.isArray(v)) return `Invalid data format for nameserver: '${pyStr(v)}'`;
        const bad = v.find((x) => typeof x !== 'string' || !isIpAddress(x));
        if (bad !== undefined) return `'${pyStr(bad)}' is not a valid nameserver. ${ipReason(bad)}`;
        const dup = v.find((x, i) => v.indexOf(x) !== i);
        return `Duplicate nameserver '${pyStr(dup)}'`;
      },
      (v) => (v === null ? [] : (v as string[]).map(canonicalIp)),
    ),
  ),
  /** type:hostroutes (subnet host_routes, router routes); null means none. */
  hostRoutes: once((): Kind =>
    validated(
      Type.Union([
        Type.Array(
          Type.Object({ destination: SubnetSchema, nexthop: IpSchema }, { additionalProperties: false }),
          {
            maxItems: 100,
            uniqueItems: true,
          },
        ),
        Type.Null(),
      ]),
      (v) => {
        if (!Array.isArray(v)) return `Invalid data format for hostroute: '${pyStr(v)}'`;
        for (const [i, r] of v.entries()) {
          if (!isDict(r)) return `Invalid data format for hostroute: '${pyStr(r)}'`;
          const keys = Object.keys(r).sort();
          if (keys.join() !== 'destination,nexthop') return dictKeysReason(['destination', 'nexthop'], r);
          if (typeof r.destination !== 'string' || !isIpSubnet(r.destination))
            return `'${pyStr(r.destination)}' is not a valid CIDR`;
          if (typeof r.nexthop !== 'string' || !isIpAddress(r.nexthop)) return ipReason(r.nexthop);
          if (v.findIndex((o) => JSON.stringify(o) === JSON.stringify(r)) !== i)
            return `Duplicate hostroute '${pyStr(r)}'`;
        }
        return `Invalid data format for hostroute: '${pyStr(v)}'`;
      },
      (v) =>
        v === null
          ? []
          : (v as { destination: string; nexthop: string }[]).map((r) => ({
              destination: cidrText(parseCidr(r.destination) as NonNullable<ReturnType<typeof parseCidr>>),
              nexthop: canonicalIp(r.nexthop),
            })),
    ),
  ),
  /** type:ip_pools (subnet allocation_pools). */
  ipPools: once((): Kind =>
    validated(
      Type.Array(Type.Object({ start: IpSchema, end: IpSchema }, { additionalProperties: false }), {
        maxItems: 100,
      }),
      (v) => {
        if (!Array.isArray(v)) return `Invalid data format for IP pool: '${pyStr(v)}'`;
        for (const p of v) {
          if (!isDict(p)) return `Invalid data format for IP pool: '${pyStr(p)}'`;
          if (Object.keys(p).sort().join() !== 'end,start') return dictKeysReason(['end', 'start'], p);
          for (const k of ['start', 'end']) if (!isIpAddress(String(p[k]))) return ipReason(p[k]);
        }
        return `Invalid data format for IP pool: '${pyStr(v)}'`;
      },
      (v) =>
        (v as { start: string; end: string }[]).map((p) => ({
          start: canonicalIp(p.start),
          end: canonicalIp(p.end),
        })),
    ),
  ),
  /** type:fixed_ips (port fixed_ips, router gateway external_fixed_ips). */
  fixedIps: (): Kind => fixedIpsKind,
  /** type:dict_or_none with free-form values (binding:profile). */
  dict: once((): Kind =>
    validated(
      Type.Union([Type.Record(Type.String(), Type.Unknown(), { maxProperties: 64 }), Type.Null()]),
      (v) => `'${pyStr(v)}' is not a dictionary`,
      (v) => v ?? {},
    ),
  ),
};

const FixedIpSchema = Type.Object(
  { subnet_id: Type.Optional(UuidSchema), ip_address: Type.Optional(IpSchema) },
  { additionalProperties: false },
);

const fixedIpsKind: Kind = validated(
  Type.Union([Type.Array(FixedIpSchema, { maxItems: 100 }), Type.Null()]),
  (v) => {
    if (!Array.isArray(v)) return `Invalid data format for fixed IP: '${pyStr(v)}'`;
    for (const f of v) {
      if (!isDict(f)) return `Invalid data format for fixed IP: '${pyStr(f)}'`;
      const extra = Object.keys(f).filter((k) => k !== 'subnet_id' && k !== 'ip_address');
      if (extra.length > 0) return `Invalid data format for fixed IP: '${pyStr(f)}'`;
      if (f.ip_address !== undefined && (typeof f.ip_address !== 'string' || !isIpAddress(f.ip_address)))
        return ipReason(f.ip_address);
      if (f.subnet_id !== undefined && (typeof f.subnet_id !== 'string' || !isUuidLike(f.subnet_id)))
        return uuidReason(f.subnet_id);
    }
    return `Invalid data format for fixed IP: '${pyStr(v)}'`;
  },
  (v) =>
    ((v ?? []) as { subnet_id?: string; ip_address?: string }[]).map((f) => ({
      ...(f.subnet_id !== undefined ? { subnet_id: f.subnet_id } : {}),
      ...(f.ip_address !== undefined ? { ip_address: canonicalIp(f.ip_address) } : {}),
    })),
);

export { IpSchema, SubnetSchema, UuidSchema, FixedIpSchema, isDict, uuidReason, ipReason };
