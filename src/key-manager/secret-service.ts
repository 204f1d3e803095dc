// Secrets (Barbican's /v1/secrets): create with or without a payload, list, read metadata, read the
// payload, add the payload later (PUT), delete. Every payload is encrypted before it reaches the store.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { AuthContext } from '../common/http/context.js';
import { kmErrors } from './key-manager-errors.js';
import { actingProject, policy } from './key-manager-policy.js';
import type { KeyService } from './key-service.js';
import type { Page, SecretRecord } from './model.js';
import { payloadBytes, payloadForAccept } from './payload-format.js';
import { openPayload, sealPayload } from './secret-crypto.js';
import type { SecretListQuery, SecretStore } from './secret-store.js';
import { checkNewSecret, type NewSecretFields } from './secret-validation.js';

export interface NewSecretBody extends NewSecretFields {
  transport_key_needed?: string;
  transport_key_id?: string;
}

export interface SecretServiceDeps {
  store: SecretStore;
  keys: KeyService;
  clock: Clock;
  maxSecretBytes: number;
}

/** The filters of GET /v1/secrets, as api/ parsed them. */
export type SecretListFilters = Omit<SecretListQuery, 'projectId' | 'now'> & { aclOnly: boolean };

/** The media types PUT accepts (controllers.enforce_content_types). */
const PUT_TYPES = ['application/octet-stream', 'text/plain'];

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** A new record with Barbican's defaults, created at `at`. */
function newRecord(
  at: string,
  creatorId: string,
  projectId: string,
  fields: Partial<SecretRecord>,
): SecretRecord {
  return {
    id: randomUUID(),
    projectId,
    creatorId,
    name: null,
    secretType: 'opaque',
    algorithm: null,
    bitLength: null,
    mode: null,
    expiration: null,
    status: 'ACTIVE',
    contentType: null,
    kekId: null,
    wrappedDek: null,
    ciphertext: null,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

async function withPayload(
  keys: KeyService,
  secret: SecretRecord,
  bytes: Buffer,
  contentType: string,
): Promise<SecretRecord> {
  const sealed = await sealPayload(keys, secret.projectId, secret.id, bytes);
  bytes.fill(0);
  return { ...secret, contentType, ...sealed };
}

/** Reading the decrypted payload and adding one later (PUT). */
function payloadOps(deps: SecretServiceDeps, lookup: (id: string) => Promise<SecretRecord>) {
  const { store, keys, clock } = deps;
  const now = () => clock.now().toISOString();
  return {
    /** GET .../payload (or the deprecated GET with a non-JSON Accept): the decrypted payload. */
    async payload(auth: AuthContext, id: string, accept: string | undefined) {
      const secret = await lookup(id);
      policy.decryptSecret(auth, secret);
      const wanted = accept === undefined || accept === '' ? 'application/octet-stream' : accept;
      if (!secret.ciphertext || !secret.wrappedDek || !secret.contentType) {
        throw kmErrors.abort(404, 'Not Found. Sorry but your secret has no payload.');
      }
      const contentType = wanted === '*/*' ? secret.contentType : wanted;
      const stored = await openPayload(keys, secret.projectId, secret.id, {
        wrappedDek: secret.wrappedDek,
        ciphertext: secret.ciphertext,
      });
      return { body: payloadForAccept(stored, contentType), contentType };
    },

    /** PUT: the payload of a secret created without one. */
    async putPayload(
      auth: AuthContext,
      id: string,
      input: { body: Buffer; contentType: string; encoding?: string },
    ) {
      const secret = await lookup(id);
      policy.changeSecret(auth, secret);
      if (!PUT_TYPES.includes(input.contentType)) {
        throw kmErrors.abort(
          415,
          "Unexpected content type. Expected content types are: ['application/octet-stream', 'text/plain']",
        );
      }
      if (input.body.length === 0) throw kmErrors.issue(400, 'No data supplied to process.');
      if (input.body.length > deps.maxSecretBytes)
        throw kmErrors.issue(413, 'Provided information too large to process');
      if (secret.ciphertext) throw kmErrors.abort(409, 'Secret already has data, cannot modify it.');
      const { bytes, contentType } = payloadBytes(input.body, input.contentType, input.encoding, false);
      const sealed = await withPayload(keys, secret, bytes, contentType);
      const stored = await store.setPayload(
        secret.id,
        {
          contentType,
          kekId: sealed.kekId as string,
          wrappedDek: sealed.wrappedDek as string,
          ciphertext: sealed.ciphertext as string,
        },
        now(),
      );
      if (!stored) throw kmErrors.abort(409, 'Secret already has data, cannot modify it.');
    },
  };
}

export function createSecretService(deps: SecretServiceDeps) {
  const { store, keys, clock } = deps;
  const now = () => clock.now().toISOString();

  /** Barbican's _lookup: an invalid id and an unknown (or expired) secret are both 404. */
  async function lookup(id: string): Promise<SecretRecord> {
    if (!isUuid(id)) throw kmErrors.invalidSecretId();
    const secret = await store.get(id.toLowerCase(), now());
    if (!secret) throw kmErrors.secretNotFound();
    return secret;
  }

  return {
    lookup,

    async create(auth: AuthContext, body: NewSecretBody): Promise<SecretRecord> {
      policy.create(auth);
      const projectId = actingProject(auth);
      const checked = checkNewSecret(body, { now: clock.now(), maxSecretBytes: deps.maxSecretBytes });
      // No transport-key capable secret store here: Barbican's answers when none is configured.
      if (body.transport_key_needed === 'true')
        throw kmErrors.issue(400, 'Secret store supported plugin not found.');
      if (body.transport_key_id !== undefined)
        throw kmErrors.issue(400, 'Provided transport key was not found.');
      let secret = newRecord(now(), auth.userId, projectId, {
        name: checked.name,
        secretType: body.secret_type ?? 'opaque',
        algorithm: body.algorithm ?? null,
        bitLength: body.bit_length ?? null,
        mode: body.mode ?? null,
        expiration: checked.expiration,
      });
      if (body.payload !== undefined) {
        const { bytes, contentType } = payloadBytes(
          body.payload.trim(),
          body.payload_content_type ?? 'application/octet-stream',
          body.payload_content_encoding,
          true,
        );
        secret = await withPayload(keys, secret, bytes, contentType);
      }
      await store.insert(secret);
      return secret;
    },

    /** A generated secret (orders): random bytes of the requested length, already validated. */
    async createGenerated(
      owner: { projectId: string; creatorId: string },
      fields: Partial<SecretRecord>,
      bytes: Buffer,
      contentType: string,
    ): Promise<SecretRecord> {
      const base = newRecord(now(), owner.creatorId, owner.projectId, fields);
      const secret = await withPayload(keys, base, bytes, contentType);
      await store.insert(secret);
      return secret;
    },

    async list(auth: AuthContext, filters: SecretListFilters): Promise<Page<SecretRecord>> {
      policy.list(auth);
      const projectId = actingProject(auth);
      // Without ACLs no secret is shared with a user, so "only the secrets shared with me" is empty.
      if (filters.aclOnly) return { items: [], offset: filters.offset, limit: filters.limit, total: 0 };
      return store.list({ ...filters, projectId, now: now() });
    },

    async get(auth: AuthContext, id: string): Promise<SecretRecord> {
      const secret = await lookup(id);
      policy.readSecret(auth, secret);
      return secret;
    },

    ...payloadOps(deps, lookup),

    async remove(auth: AuthContext, id: string): Promise<void> {
      const secret = await lookup(id);
      policy.deleteSecret(auth, secret);
      if (!(await store.remove(secret.id))) throw kmErrors.secretNotFound();
    },

    /**
     * After a KEK rotation: re-wraps the data keys of the project's secrets under the active KEK, at most
     * `limit` of them per call. Resolves how many were re-wrapped (0 when all are current).
     */
    async rewrapProject(projectId: string, limit = 500): Promise<number> {
      const active = await keys.activeKekId(projectId);
      if (!active) return 0;
      const stale = await store.wrappedElsewhere(projectId, active, limit);
      for (const row of stale) {
        const next = await keys.rewrapDataKey(projectId, Buffer.from(row.wrappedDek, 'base64'));
        await store.rewrap(row.id, row.wrappedDek, next.kekId, next.wrapped.toString('base64'));
      }
      return stale.length;
    },
  };
}

export type SecretService = ReturnType<typeof createSecretService>;
