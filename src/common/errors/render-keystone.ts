// Keystone's error body: {"error": {"code": 404, "title": "Not Found", "message": "..."}}.
import { STATUS_CODES } from 'node:http';
import type { ApiError } from './api-error.js';

export function renderKeystoneError(err: ApiError, message: string): { body: unknown } {
  return { body: { error: { code: err.status, title: STATUS_CODES[err.status] ?? 'Error', message } } };
}
