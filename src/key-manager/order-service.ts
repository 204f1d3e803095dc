// Orders (Barbican's /v1/orders): ask the key manager to generate a symmetric key (type key) or a key
// pair in a container (type asymmetric). Barbican hands orders to a worker; here the generation runs
// before the 202 is sent, so an order is ACTIVE (or ERROR, with Barbican's code and reason) at once.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { ApiError } from '../common/errors/api-error.js';
import { isApiError } from '../common/errors/api-error.js';
import type { AuthContext } from '../common/http/context.js';
import { bodyChecker } from './body-check.js';
import type { ContainerService } from './container-service.js';
import { barbicanForm, kmErrors } from './key-manager-errors.js';
import { actingProject, policy } from './key-manager-policy.js';
import { barbicanTime } from './iso-time.js';
import { generateAsymmetric, generateSymmetric } from './key-generation.js';
import type { OrderRecord, Page } from './model.js';
import type { OrderStore } from './order-store.js';
import { normaliseContentType } from './payload-format.js';
import { AsymmetricOrderMetaSchema, KeyOrderMetaSchema } from './schemas.js';
import { isUuid, type SecretService } from './secret-service.js';
import { checkNewSecret, schemaName } from './secret-validation.js';

export interface NewOrderBody {
  type: string;
  meta: Record<string, unknown>;
}

interface Meta {
  name?: string | null;
  algorithm?: string;
  mode?: string;
  bit_length?: number;
  expiration?: string;
  payload_content_type?: string | null;
  payload?: string;
  passphrase?: string;
  pass_phrase?: string;
}

const keyMeta = bodyChecker(KeyOrderMetaSchema);
const asymmetricMeta = bodyChecker(AsymmetricOrderMetaSchema);
const TASK = 'Process TypeOrder';

export interface OrderServiceDeps {
  store: OrderStore;
  secrets: SecretService;
  containers: ContainerService;
  clock: Clock;
  maxSecretBytes: number;
}

/** TypeOrderValidator: the meta as a secret's fields, then what generation needs. */
function checkMeta(
  deps: Pick<OrderServiceDeps, 'clock' | 'maxSecretBytes'>,
  type: string,
  raw: Record<string, unknown>,
): { meta: Meta; stored: Record<string, unknown> } {
  const label = type === 'key' ? 'key' : 'asymmetric key';
  const meta: Meta = (type === 'key' ? keyMeta : asymmetricMeta).check(raw, schemaName('Order'));
  const checked = checkNewSecret(meta, {
    now: deps.clock.now(),
    maxSecretBytes: deps.maxSecretBytes,
    parent: 'Order',
  });
  if (meta.payload !== undefined) {
    throw kmErrors.invalidObject('Order', `'payload' not allowed for ${type} type order`, 'meta');
  }
  if (!meta.algorithm)
    throw kmErrors.invalidObject('Order', `'algorithm' is required field for ${label} type order`, 'meta');
  if (!meta.bit_length)
    throw kmErrors.invalidObject('Order', `'bit_length' is required field for ${label} type order`, 'meta');
  // Barbican's UnsupportedField, reported with its client message only.
  if (meta.bit_length % 8 !== 0) throw kmErrors.abort(400, 'Provided field value is not supported');
  // The passphrase becomes a secret of the container; it is not kept in the order's meta.
  const { passphrase: _p, pass_phrase: _pp, ...rest } = meta;
  const stored = { ...rest, name: checked.name, expiration: barbicanTime(checked.expiration) };
  return { meta: { ...meta, name: checked.name, expiration: checked.expiration ?? undefined }, stored };
}

async function generate(
  { secrets, containers }: Pick<OrderServiceDeps, 'secrets' | 'containers'>,
  order: OrderRecord,
  meta: Meta,
): Promise<Partial<OrderRecord>> {
  const owner = { projectId: order.projectId, creatorId: order.creatorId };
  const contentType = normaliseContentType(meta.payload_content_type ?? 'application/octet-stream');
  const fields = {
    name: meta.name ?? null,
    algorithm: meta.algorithm ?? null,
    bitLength: meta.bit_length ?? null,
    mode: meta.mode ?? null,
    expiration: meta.expiration ?? null,
  };
  if (order.type === 'key') {
    const bytes = generateSymmetric(meta.algorithm as string, meta.bit_length as number, meta.mode);
    const secret = await secrets.createGenerated(
      owner,
      { ...fields, secretType: 'symmetric' },
      bytes,
      contentType,
    );
    return { secretId: secret.id };
  }
  const passphrase = meta.passphrase ?? meta.pass_phrase;
  const pair = generateAsymmetric(meta.algorithm as string, meta.bit_length as number, passphrase);
  const made = async (secretType: string, bytes: Buffer) =>
    (await secrets.createGenerated(owner, { ...fields, secretType }, bytes, contentType)).id;
  const refs = [
    { name: 'private_key', secretId: await made('private', pair.privateKey) },
    { name: 'public_key', secretId: await made('public', pair.publicKey) },
  ];
  if (passphrase) {
    refs.push({
      name: 'private_key_passphrase',
      secretId: await made('passphrase', Buffer.from(passphrase)),
    });
  }
  const type = (meta.algorithm as string).toLowerCase();
  const container = await containers.createOwned(owner, { name: meta.name ?? null, type }, refs);
  return { containerId: container.id };
}

/** Barbican's task error handling: the order keeps the status code and a safe reason. */
function failed(error: unknown): Partial<OrderRecord> {
  const api: ApiError | undefined = isApiError(error) ? error : undefined;
  const form = api ? barbicanForm(api) : undefined;
  if (api && form) {
    return {
      status: 'ERROR',
      errorStatusCode: String(api.status),
      errorReason: `${TASK} issue seen - ${api.publicMessage}.`,
    };
  }
  return {
    status: 'ERROR',
    errorStatusCode: '500',
    errorReason: `${TASK} failure seen - please contact site administrator.`,
  };
}

export function createOrderService(deps: OrderServiceDeps) {
  const { store, clock } = deps;

  async function lookup(auth: AuthContext, id: string): Promise<OrderRecord> {
    const projectId = actingProject(auth);
    const order = isUuid(id) ? await store.get(id.toLowerCase(), projectId) : undefined;
    if (!order) throw kmErrors.orderNotFound();
    return order;
  }

  return {
    async create(auth: AuthContext, body: NewOrderBody): Promise<OrderRecord> {
      policy.create(auth);
      const projectId = actingProject(auth);
      const { meta, stored } = checkMeta(deps, body.type, body.meta);
      const at = clock.now().toISOString();
      let order: OrderRecord = {
        id: randomUUID(),
        projectId,
        creatorId: auth.userId,
        type: body.type,
        status: 'PENDING',
        meta: stored,
        secretId: null,
        containerId: null,
        errorStatusCode: null,
        errorReason: null,
        subStatus: null,
        subStatusMessage: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.insert(order);
      let outcome: Partial<OrderRecord>;
      try {
        outcome = {
          status: 'ACTIVE',
          subStatus: 'Unknown',
          subStatusMessage: 'Unknown',
          ...(await generate(deps, order, meta)),
        };
      } catch (error) {
        outcome = failed(error);
      }
      order = { ...order, ...outcome, updatedAt: clock.now().toISOString() };
      await store.finish(order);
      return order;
    },

    /** PUT /v1/orders: allowed to members by policy, then refused as Barbican does. */
    refuseUpdate(auth: AuthContext): never {
      policy.create(auth);
      throw kmErrors.abort(405, 'Order update is not supported.');
    },

    async list(
      auth: AuthContext,
      q: { offset: number; limit: number; meta?: string },
    ): Promise<Page<OrderRecord>> {
      policy.list(auth);
      return store.list({ ...q, projectId: actingProject(auth) });
    },

    async get(auth: AuthContext, id: string): Promise<OrderRecord> {
      const order = await lookup(auth, id);
      policy.readOrder(auth, order);
      return order;
    },

    async remove(auth: AuthContext, id: string): Promise<void> {
      const order = await lookup(auth, id);
      policy.deleteOrder(auth, order);
      if (!(await store.remove(order.id))) throw kmErrors.orderNotFound();
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
