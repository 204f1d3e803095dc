// The API's own error message, whatever the service's error shape: Keystone {"error":{message}}, Nova
// and Cinder {"itemNotFound":{message}}, Neutron {"NeutronError":{message}}, Glance and Swift text.
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function fromJson(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  if (typeof o.message === 'string') return o.message;
  for (const value of Object.values(o)) {
    if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, unknown>;
      if (typeof inner.message === 'string') return inner.message;
    }
  }
  return undefined;
}

export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let message: string | undefined;
  try {
    message = fromJson(JSON.parse(text));
  } catch {
    // Swift and Glance answer plain text or a small HTML page.
    message =
      text
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || undefined;
  }
  return new ApiError(response.status, message ?? `${response.status} ${response.statusText}`);
}
