// One authenticated JSON (or raw bytes) call against a test app, at Nova's newest microversion, for
// integration tests that drive several services through the real HTTP layer.

export interface ApiReply {
  status: number;
  headers: Headers;
  /** The parsed JSON object, or undefined when the answer is not one. */
  body: any;
}

/** `call(token, method, path, body?, raw?)` on the app whose base URL `baseUrl()` gives at call time. */
export function apiCaller(baseUrl: () => string) {
  return async function call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    raw?: Buffer,
  ): Promise<ApiReply> {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        'openstack-api-version': 'compute 2.79',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(raw !== undefined && { body: raw }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text.startsWith('{') ? JSON.parse(text) : undefined,
    };
  };
}
