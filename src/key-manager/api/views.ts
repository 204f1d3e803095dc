// Barbican's wire format for secrets, containers and orders (models' to_dict_fields + hrefs), and the
// paged list envelope with its previous/next links. Conversion from records happens only here.
import { barbicanTime } from '../iso-time.js';
import type { ContainerRecord, OrderRecord, Page, SecretRecord } from '../model.js';

export const secretRef = (base: string, id: string) => `${base}/v1/secrets/${id}`;
export const containerRef = (base: string, id: string) => `${base}/v1/containers/${id}`;
export const orderRef = (base: string, id: string) => `${base}/v1/orders/${id}`;

/** Secret metadata at microversion 1.0 (no consumers). */
export function secretView(s: SecretRecord, base: string) {
  return {
    status: s.status,
    created: barbicanTime(s.createdAt),
    updated: barbicanTime(s.updatedAt),
    name: s.name,
    secret_type: s.secretType,
    expiration: barbicanTime(s.expiration),
    algorithm: s.algorithm,
    bit_length: s.bitLength,
    mode: s.mode,
    creator_id: s.creatorId,
    // Only a secret with a payload has content types.
    ...(s.contentType ? { content_types: { default: s.contentType } } : {}),
    secret_ref: secretRef(base, s.id),
  };
}

export function containerView(c: ContainerRecord, base: string) {
  return {
    status: c.status,
    created: barbicanTime(c.createdAt),
    updated: barbicanTime(c.updatedAt),
    name: c.name,
    type: c.type,
    creator_id: c.creatorId,
    secret_refs: c.secretRefs.map((r) => ({ name: r.name, secret_ref: secretRef(base, r.secretId) })),
    consumers: [],
    container_ref: containerRef(base, c.id),
  };
}

export function orderView(o: OrderRecord, base: string) {
  return {
    created: barbicanTime(o.createdAt),
    updated: barbicanTime(o.updatedAt),
    status: o.status,
    type: o.type,
    meta: o.meta,
    order_ref: orderRef(base, o.id),
    ...(o.secretId ? { secret_ref: secretRef(base, o.secretId) } : {}),
    ...(o.containerId ? { container_ref: containerRef(base, o.containerId) } : {}),
    ...(o.errorStatusCode ? { error_status_code: o.errorStatusCode } : {}),
    ...(o.errorReason ? { error_reason: o.errorReason } : {}),
    ...(o.subStatus ? { sub_status: o.subStatus } : {}),
    ...(o.subStatusMessage ? { sub_status_message: o.subStatusMessage } : {}),
    creator_id: o.creatorId,
  };
}

/**
 * hrefs.add_nav_hrefs: `previous` when not on the first page, `next` when more follow; both keep the
 * other query parameters. An empty page has neither, only the total.
 */
export function listView<T, V>(
  resource: 'secrets' | 'containers' | 'orders',
  page: Page<T>,
  view: (item: T) => V,
  base: string,
  query: Record<string, string | string[] | undefined>,
) {
  if (page.items.length === 0) return { [resource]: [], total: page.total };
  const rest = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === 'limit' || key === 'offset' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) rest.append(key, v);
  }
  const extra = rest.toString();
  const href = (offset: number) =>
    `${base}/v1/${resource}?limit=${page.limit}&offset=${offset}${extra ? `&${extra}` : ''}`;
  return {
    [resource]: page.items.map(view),
    ...(page.offset > 0 ? { previous: href(Math.max(0, page.offset - page.limit)) } : {}),
    ...(page.total > page.offset + page.limit ? { next: href(page.offset + page.limit) } : {}),
    total: page.total,
  };
}
