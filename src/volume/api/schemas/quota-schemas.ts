// PUT /os-quota-sets/{project} (cinder/api/schemas/quotas.py): a non-empty quota_set whose keys are
// quota resources (or tenant_id/id, which Cinder skips) and whose values are integers of -1 or more.
import { Type } from '@sinclair/typebox';

export const QuotaSetBody = Type.Object(
  {
    quota_set: Type.Unsafe<Record<string, number | string>>({
      type: 'object',
      minProperties: 1,
      format: 'quota_set',
    }),
  },
  { additionalProperties: false },
);
