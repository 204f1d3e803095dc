// Glance's error body, as its WSGI stack (webob) renders it for JSON clients:
// {"message": "...", "code": "404 Not Found", "title": "Not Found"}.
import { STATUS_CODES } from 'node:http';
import type { ApiError } from './api-error.js';

export function renderGlanceError(err: ApiError, message: string): { body: unknown } {
  const title = STATUS_CODES[err.status] ?? 'Error';
  return { body: { message, code: `${err.status} ${title}`, title } };
}
