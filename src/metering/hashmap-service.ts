// The hashmap module's services, fields and mappings as a service: only the cloud admin reads or edits
// them (CloudKitty's rating:module_config policy), names are unique, a mapping prices either a service
// (flat) or one value of a field.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import { isCloudAdmin } from '../identity/policy.js';
import type { HashmapField, HashmapMapping, HashmapService, HashmapStore } from './hashmap-store.js';

function requireAdmin(auth: AuthContext): void {
  if (!isCloudAdmin(auth)) throw errors.forbidden('Policy does not allow this operation to be performed.');
}

export function createHashmapService(hashmap: HashmapStore, clock: Clock) {
  const at = () => clock.now().toISOString();
  return {
    async services(auth: AuthContext): Promise<HashmapService[]> {
      requireAdmin(auth);
      return hashmap.services();
    },
    async service(auth: AuthContext, serviceId: string): Promise<HashmapService> {
      requireAdmin(auth);
      const found = (await hashmap.services()).find((s) => s.serviceId === serviceId);
      if (!found) throw errors.notFound('service', serviceId);
      return found;
    },
    async createService(auth: AuthContext, name: string): Promise<HashmapService> {
      requireAdmin(auth);
      const service = { serviceId: newUuid(), name };
      if (!(await hashmap.insertService(service, at())))
        throw errors.conflict(`Service ${name} already exists.`);
      return service;
    },
    async deleteService(auth: AuthContext, serviceId: string): Promise<void> {
      requireAdmin(auth);
      if (!(await hashmap.deleteService(serviceId))) throw errors.notFound('service', serviceId);
    },
    async fields(
      auth: AuthContext,
      filter: { serviceId?: string; fieldId?: string },
    ): Promise<HashmapField[]> {
      requireAdmin(auth);
      return hashmap.fields(filter);
    },
    async createField(auth: AuthContext, serviceId: string, name: string): Promise<HashmapField> {
      requireAdmin(auth);
      if (!(await hashmap.services()).some((s) => s.serviceId === serviceId)) {
        throw errors.notFound('service', serviceId);
      }
      const field = { fieldId: newUuid(), serviceId, name };
      if (!(await hashmap.insertField(field, at()))) throw errors.conflict(`Field ${name} already exists.`);
      return field;
    },
    async deleteField(auth: AuthContext, fieldId: string): Promise<void> {
      requireAdmin(auth);
      if (!(await hashmap.deleteField(fieldId))) throw errors.notFound('field', fieldId);
    },
    async mappings(
      auth: AuthContext,
      filter: { serviceId?: string; fieldId?: string; mappingId?: string; tenantId?: string },
    ): Promise<HashmapMapping[]> {
      requireAdmin(auth);
      return hashmap.mappings(filter);
    },
    async createMapping(
      auth: AuthContext,
      input: Omit<HashmapMapping, 'mappingId'>,
    ): Promise<HashmapMapping> {
      requireAdmin(auth);
      if ((input.serviceId === null) === (input.fieldId === null)) {
        throw errors.badRequest('You must specify either a service_id or a field_id.');
      }
      if (input.fieldId !== null && input.value === null)
        throw errors.badRequest('A field mapping needs a value.');
      if (input.serviceId !== null && input.value !== null) {
        throw errors.badRequest("You can't specify a value when a service_id is specified.");
      }
      const parent =
        input.serviceId !== null
          ? (await hashmap.services()).some((s) => s.serviceId === input.serviceId)
          : (await hashmap.fields({ fieldId: input.fieldId as string })).length === 1;
      if (!parent)
        throw errors.notFound(
          input.serviceId !== null ? 'service' : 'field',
          input.serviceId ?? input.fieldId ?? '',
        );
      const mapping = { ...input, mappingId: newUuid() };
      await hashmap.insertMapping(mapping, at());
      return mapping;
    },
    async deleteMapping(auth: AuthContext, mappingId: string): Promise<void> {
      requireAdmin(auth);
      if (!(await hashmap.deleteMapping(mappingId))) throw errors.notFound('mapping', mappingId);
    },
  };
}
