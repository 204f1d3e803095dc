// Calls to the public OpenStack APIs of this origin, with the session's token: endpoints come from the
// token's catalog (public interface, the chosen region), errors carry the API's own message.
import { ApiError, errorOf } from './errors';
import type { Session } from './session';

export type ServiceType = 'compute' | 'image' | 'network' | 'block-storage' | 'object-store' | 'identity';

/** The catalog URL as a path on this origin (the browser never talks to another host). */
export function endpoint(session: Session, type: ServiceType): string {
  const entry = session.catalog.find((c) => c.type === type);
  const candidates = entry?.endpoints.filter((e) => e.interface === 'public') ?? [];
  const chosen = candidates.find((e) => (e.region_id ?? e.region) === session.region) ?? candidates[0];
  if (!chosen) throw new ApiError(404, `No ${type} endpoint in the catalog.`);
  const url = new URL(chosen.url, location.origin);
  const path = url.pathname.replace(/\/+$/, '');
  return type === 'identity' && !path.endsWith('/v3') ? `${path}/v3` : path;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Nova microversion (OpenStack-API-Version: compute X). */
  microversion?: string;
  /** Cinder microversion. */
  volumeVersion?: string;
  raw?: boolean;
}

export async function call(
  session: Session,
  type: ServiceType,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'x-auth-token': session.token, ...options.headers };
  if (options.microversion) headers['openstack-api-version'] = `compute ${options.microversion}`;
  if (options.volumeVersion) headers['openstack-api-version'] = `volume ${options.volumeVersion}`;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.raw) body = options.body as BodyInit;
    else {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const response = await fetch(`${endpoint(session, type)}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body,
  });
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function json<T>(
  session: Session,
  type: ServiceType,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await call(session, type, path, options);
  if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A PUT/POST whose body is a File or Blob, with upload progress (fetch cannot report it; XHR streams the file). */
export function upload(
  url: string,
  method: string,
  body: Blob,
  headers: Record<string, string>,
  onProgress: (sentBytes: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; etag: string | null }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300)
        resolve({ status: xhr.status, etag: xhr.getResponseHeader('etag') });
      else
        reject(
          new ApiError(xhr.status, xhr.responseText.replace(/<[^>]+>/g, ' ').trim() || `HTTP ${xhr.status}`),
        );
    };
    xhr.onerror = () => reject(new ApiError(0, 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}
