// Uploads to Swift from the browser: small files in one PUT, large ones as segments of a static large
// object (each segment retried on a network error, so an upload resumes where it failed rather than
// starting over), then the manifest. Files are sliced, never read whole into memory.
import { endpoint, upload } from './client';
import type { Session } from './session';

export const SEGMENT_BYTES = 32 * 1024 * 1024;
const MAX_ATTEMPTS = 6;

export interface UploadProgress {
  (sentBytes: number): void;
}

function objectUrl(session: Session, container: string, name: string): string {
  return `${endpoint(session, 'object-store')}/${encodeURIComponent(container)}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      // Only network errors and 5xx are worth another try; a 4xx is the cloud's answer.
      if (i >= MAX_ATTEMPTS || (status >= 400 && status < 500)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(8_000, 500 * 2 ** i)));
    }
  }
}

export async function uploadObject(
  session: Session,
  container: string,
  name: string,
  file: File,
  onProgress: UploadProgress,
): Promise<void> {
  const headers = { 'x-auth-token': session.token, 'content-type': file.type || 'application/octet-stream' };
  if (file.size <= SEGMENT_BYTES) {
    await withRetry(() => upload(objectUrl(session, container, name), 'PUT', file, headers, onProgress));
    return;
  }
  const segments = `${container}_segments`;
  await fetch(`${endpoint(session, 'object-store')}/${encodeURIComponent(segments)}`, {
    method: 'PUT',
    headers: { 'x-auth-token': session.token },
  });
  const prefix = `${name}/${Date.now()}/${file.size}`;
  const manifest: { path: string; etag: string | null; size_bytes: number }[] = [];
  let done = 0;
  for (let offset = 0, index = 0; offset < file.size; offset += SEGMENT_BYTES, index++) {
    const part = file.slice(offset, Math.min(file.size, offset + SEGMENT_BYTES));
    const segmentName = `${prefix}/${String(index).padStart(8, '0')}`;
    const result = await withRetry(() =>
      upload(
        objectUrl(session, segments, segmentName),
        'PUT',
        part,
        { 'x-auth-token': session.token },
        (sent) => onProgress(done + sent),
      ),
    );
    done += part.size;
    onProgress(done);
    manifest.push({
      path: `/${segments}/${segmentName}`,
      etag: result.etag?.replace(/"/g, '') ?? null,
      size_bytes: part.size,
    });
  }
  const response = await fetch(`${objectUrl(session, container, name)}?multipart-manifest=put`, {
    method: 'PUT',
    headers: {
      ...headers,
      'content-type': file.type || 'application/octet-stream',
      'x-static-large-object': 'true',
    },
    body: JSON.stringify(manifest),
  });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
}

/** A TempURL for GET until `expires` (seconds since the epoch), signed with the account's key (HMAC-SHA256). */
export async function tempUrl(
  session: Session,
  container: string,
  name: string,
  expiresInSeconds: number,
): Promise<string> {
  const account = endpoint(session, 'object-store');
  const head = await fetch(account, { method: 'HEAD', headers: { 'x-auth-token': session.token } });
  let key = head.headers.get('x-account-meta-temp-url-key');
  if (!key) {
    key = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join(
      '',
    );
    const set = await fetch(account, {
      method: 'POST',
      headers: { 'x-auth-token': session.token, 'x-account-meta-temp-url-key': key },
    });
    if (!set.ok) throw new Error(`${set.status} ${await set.text()}`);
  }
  const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
  const path = new URL(objectUrl(session, container, name), location.origin).pathname;
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    cryptoKey,
    new TextEncoder().encode(`GET\n${expires}\n${path}`),
  );
  const sig = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${location.origin}${path}?temp_url_sig=${sig}&temp_url_expires=${expires}`;
}
