// The one typed configuration schema: every key with its default and help text. Loaders in load.ts layer
// a TOML file, NUAGE_* environment variables and CLI flags on top of these defaults.
import { Type, type Static } from '@sinclair/typebox';
import { AuditConfigSchema, PolicyConfigSchema } from './audit-policy-schemas.js';
import { MetricsConfigSchema, TlsConfigSchema } from './listener-schemas.js';

const HostPort = Type.String({
  pattern: '^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
  description: 'HOST:PORT to listen on',
});

export const IdentityConfigSchema = Type.Object(
  {
    tokenLifetimeSeconds: Type.Integer({
      minimum: 60,
      maximum: 7 * 24 * 3600,
      default: 3600,
      description: 'Lifetime of a Keystone token, in seconds (Keystone [token] expiration).',
    }),
    maxActiveKeys: Type.Integer({
      minimum: 3,
      maximum: 100,
      default: 3,
      description: 'Token keys kept on rotation: staged + primary + secondaries (Fernet max_active_keys).',
    }),
    lockoutFailureAttempts: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 0,
      description: 'Failed password authentications before a user is locked out; 0 disables lockout.',
    }),
    lockoutDurationSeconds: Type.Integer({
      minimum: 1,
      maximum: 86400 * 365,
      default: 1800,
      description: 'How long a locked-out user stays locked (Keystone lockout_duration).',
    }),
    passwordRegex: Type.String({
      maxLength: 1024,
      default: '',
      description:
        'A password must match this regular expression (Keystone [security_compliance] password_regex); empty: any.',
    }),
    passwordRegexDescription: Type.String({
      maxLength: 1024,
      default: '',
      description: 'Says in words what passwordRegex demands; shown in the 400 of a refused password.',
    }),
    passwordExpiresDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      default: 0,
      description: 'Days a password stays valid (Keystone password_expires_days); 0: passwords never expire.',
    }),
    uniqueLastPasswordCount: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 0,
      description:
        'A new password must differ from this many passwords, itself included (Keystone unique_last_password_count); 0 or 1: no history.',
    }),
    minimumPasswordAgeDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      default: 0,
      description: 'Days before a user may change their own password again (Keystone minimum_password_age).',
    }),
    changePasswordUponFirstUse: Type.Boolean({
      default: false,
      description:
        'A password set by an administrator is expired at once, so the user must change it before using it (Keystone change_password_upon_first_use).',
    }),
    mfaRequiredRoles: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
      default: [],
      description:
        'Role names whose holders (any assignment, on any target) must authenticate with password and TOTP; ' +
        'a password-only authentication gets a receipt asking for totp (e.g. ["admin"]).',
    }),
    totpIncludedPreviousWindows: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 1,
      description:
        'TOTP windows of 30 s accepted before the current one (Keystone [totp] included_previous_windows).',
    }),
    receiptExpirationSeconds: Type.Integer({
      minimum: 10,
      maximum: 86400,
      default: 300,
      description: 'Lifetime of an auth receipt, in seconds (Keystone [receipt] expiration).',
    }),
    adminProjectName: Type.String({
      minLength: 0,
      maxLength: 64,
      default: 'admin',
      description:
        "Keystone's admin_project_name, in the Default domain: only admins of this project are cloud admins. " +
        'Empty: every project-scoped token with the admin role is a cloud admin (Keystone without an admin project). ' +
        'See docs/admin-semantics.md.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ObjectStoreConfigSchema = Type.Object(
  {
    maxObjectBytes: Type.Integer({
      minimum: 1,
      maximum: 5 * 1024 ** 4,
      default: 5 * 1024 ** 3,
      description:
        'Largest single object, in bytes (Swift max_file_size); larger data goes through SLO/multipart.',
    }),
    expirerIntervalSeconds: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 60,
      description: 'How often expired objects (X-Delete-At) are deleted, in seconds.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ImageConfigSchema = Type.Object(
  {
    imageCountTotal: Type.Integer({
      minimum: 0,
      default: 100,
      description: 'Most images a project may own (Glance image_count_total).',
    }),
    imageSizeTotalBytes: Type.Integer({
      minimum: 0,
      default: 1024 ** 4,
      description: 'Most bytes of image data a project may store (Glance image_size_total).',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const NetworkConfigSchema = Type.Object(
  {
    driver: Type.Union(
      ['auto', 'linux', 'user', 'fake'].map((d) => Type.Literal(d)),
      {
        default: 'auto',
        description:
          'Network data plane: linux (bridges, netns, nftables, dnsmasq; needs root), user (QEMU user networking, nothing enforced), fake (tests), auto (= user for now: one linux data plane per host must be opted into).',
      },
    ),
    mtu: Type.Integer({ minimum: 576, maximum: 9000, default: 1500, description: 'MTU of new networks.' }),
    externalCidr: Type.String({
      default: '172.24.4.0/24',
      description: 'CIDR of the host-only external network `public` (floating IPs).',
    }),
    externalGatewayIp: Type.String({
      default: '172.24.4.1',
      description: 'Address of the host on the external network.',
    }),
    externalPoolStart: Type.String({
      default: '172.24.4.10',
      description: 'First address of the external allocation pool.',
    }),
    externalPoolEnd: Type.String({
      default: '172.24.4.250',
      description: 'Last address of the external allocation pool.',
    }),
    metadataPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8775,
      description:
        'Port that 169.254.169.254:80 is redirected to inside routers (the metadata service); 0 disables.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ComputeConfigSchema = Type.Object(
  {
    driver: Type.Union(
      ['qemu', 'fake'].map((d) => Type.Literal(d)),
      {
        default: 'qemu',
        description:
          'Hypervisor driver: qemu (real guests over QMP; KVM when usable, TCG otherwise) or fake (in memory, for tests).',
      },
    ),
    availabilityZone: Type.String({
      minLength: 1,
      maxLength: 255,
      default: 'nova',
      description: 'Availability zone of this host (Nova default_availability_zone).',
    }),
    localAgent: Type.Boolean({
      default: true,
      description:
        'Whether this process is also a compute host (all-in-one). false (`nuage up --no-local-agent`): an API node only; guests run on hosts served by `nuage agent`.',
    }),
    serviceDownSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 60,
      description: 'A compute host whose last heartbeat is older than this is down (Nova service_down_time).',
    }),
    stopTimeoutSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 60,
      description:
        'How long a soft stop waits for the guest to power off before forcing it (Nova shutdown_timeout).',
    }),
    cpuAllocationRatio: Type.Number({
      minimum: 0.1,
      maximum: 1000,
      default: 4.0,
      description: 'vCPUs scheduled per host CPU (Nova cpu_allocation_ratio).',
    }),
    ramAllocationRatio: Type.Number({
      minimum: 0.1,
      maximum: 16,
      default: 1.0,
      description: 'RAM scheduled per MiB of host RAM (Nova ram_allocation_ratio).',
    }),
    diskAllocationRatio: Type.Number({
      minimum: 0.1,
      maximum: 64,
      default: 1.0,
      description: 'Disk scheduled per GiB of the data directory file system (Nova disk_allocation_ratio).',
    }),
    reservedHostMemoryMiB: Type.Integer({
      minimum: 0,
      default: 512,
      description: 'Host RAM kept back from guests, in MiB (Nova reserved_host_memory_mb).',
    }),
    instances: Type.Integer({ minimum: -1, default: 10, description: 'Default quota: servers per project.' }),
    cores: Type.Integer({ minimum: -1, default: 20, description: 'Default quota: vCPUs per project.' }),
    ramMiB: Type.Integer({
      minimum: -1,
      default: 51_200,
      description: 'Default quota: RAM per project, in MiB.',
    }),
    keyPairs: Type.Integer({ minimum: -1, default: 100, description: 'Default quota: key pairs per user.' }),
    metadataItems: Type.Integer({
      minimum: -1,
      default: 128,
      description: 'Default quota: metadata items per server.',
    }),
    enableInstancePassword: Type.Boolean({
      default: true,
      description:
        'Return the admin password (given or generated) in server create and rebuild responses (Nova [api] enable_instance_password).',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const VolumeConfigSchema = Type.Object(
  {
    availabilityZone: Type.String({
      minLength: 1,
      maxLength: 255,
      default: 'nova',
      description: 'Availability zone of the volumes (Cinder storage_availability_zone).',
    }),
    volumes: Type.Integer({
      minimum: -1,
      default: 10,
      description: 'Default quota: volumes per project.',
    }),
    gigabytes: Type.Integer({
      minimum: -1,
      default: 1000,
      description: 'Default quota: GiB of volumes and snapshots per project.',
    }),
    snapshots: Type.Integer({
      minimum: -1,
      default: 10,
      description: 'Default quota: snapshots per project.',
    }),
    backups: Type.Integer({
      minimum: -1,
      default: 10,
      description: 'Default quota: backups per project.',
    }),
    backupGigabytes: Type.Integer({
      minimum: -1,
      default: 1000,
      description: 'Default quota: GiB of backups per project.',
    }),
    perVolumeGigabytes: Type.Integer({
      minimum: -1,
      default: -1,
      description: 'Largest volume in GiB (-1: no limit).',
    }),
    backupChunkMiB: Type.Integer({
      minimum: 1,
      maximum: 1024,
      default: 32,
      description: 'Backup chunk size: one object per chunk in the volumebackups container.',
    }),
    backend: Type.Union(
      ['file', 'rbd'].map((b) => Type.Literal(b)),
      {
        default: 'file',
        description:
          'Where volumes live: file (thin qcow2 files under <dataDir>/volumes) or rbd (RBD images in rbdPool; needs ceph.conf).',
      },
    ),
    rbdPool: Type.String({
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
      default: 'volumes',
      description: 'The Ceph pool of volumes and their snapshots (backend = rbd).',
    }),
  },
  { additionalProperties: false, default: {} },
);

// How this host reaches Ceph: a config file and a cephx user whose key stays in a keyring file. No key
// is ever a config value or a command-line argument.
export const CephConfigSchema = Type.Object(
  {
    conf: Type.String({
      default: '',
      description:
        'A ceph.conf naming the monitors (and the keyring, for QEMU); empty: no Ceph on this host.',
    }),
    user: Type.String({
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
      default: 'nuage',
      description: 'The cephx user, without `client.`.',
    }),
    keyring: Type.String({
      default: '',
      description: 'A keyring file for the rbd CLI and qemu-img when ceph.conf names none.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ConsoleConfigSchema = Type.Object(
  {
    tokenTtlSeconds: Type.Integer({
      minimum: 10,
      maximum: 86_400,
      default: 600,
      description: 'Lifetime of a console URL (Nova consoleauth token_ttl).',
    }),
    defaultFlavors: Type.Boolean({
      default: true,
      description: 'Create the default public flavors at start-up when the cloud has no flavor at all.',
    }),
    guestImage: Type.String({
      default: '~/.cache/nuage/guest-image/nuage-tiny.qcow2',
      description:
        'The tiny guest image (scripts/build-guest-image.sh); when the file exists, start-up registers it once as the public image nuage-tiny. Empty: never.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const KeyManagerConfigSchema = Type.Object(
  {
    rootOfTrust: Type.Union(
      ['file', 'pkcs11'].map((d) => Type.Literal(d)),
      {
        default: 'file',
        description:
          'What wraps the per-project key-encryption keys: file (a random root key in <dataDir>/keys/key-manager, mode 0600) or pkcs11 (a non-extractable AES key inside a PKCS#11 token).',
      },
    ),
    pkcs11Module: Type.String({
      default: '/usr/lib/softhsm/libsofthsm2.so',
      description: 'Path of the PKCS#11 module (rootOfTrust = pkcs11).',
    }),
    pkcs11TokenLabel: Type.String({
      default: '',
      maxLength: 32,
      description: 'Label of the token that holds the root key (rootOfTrust = pkcs11).',
    }),
    pkcs11KeyLabel: Type.String({
      minLength: 1,
      maxLength: 64,
      default: 'nuage-key-manager-root',
      description: 'Label of the root AES key in the token; created (non-extractable) when absent.',
    }),
    pkcs11PinFile: Type.String({
      default: '',
      description:
        'File holding the token user PIN (one line, mode 0600). The PIN is never taken from the command line.',
    }),
    pkcs11Pin: Type.String({
      default: '',
      description:
        'Token user PIN, for NUAGE_KEY_MANAGER_PKCS11_PIN only when no PIN file is configured; prefer pkcs11PinFile.',
    }),
    maxSecretBytes: Type.Integer({
      minimum: 1,
      maximum: 1024 * 1024,
      default: 20_000,
      description: 'Largest secret payload, in bytes (Barbican max_allowed_secret_in_bytes).',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: './nuage-data', description: 'Data directory.' }),
    listen: Type.String({ ...HostPort, default: '127.0.0.1:5000' }),
    s3Listen: Type.String({
      ...HostPort,
      default: '127.0.0.1:9000',
      description: 'HOST:PORT of the S3 API listener.',
    }),
    s3PublicUrl: Type.String({
      default: '',
      description: 'Base URL clients use to reach the S3 API (default: http(s)://<s3Listen>).',
    }),
    s3VirtualHostDomain: Type.String({
      default: '',
      description: 'Domain for virtual-hosted-style S3 addressing (bucket.<domain>); empty: path-style only.',
    }),
    publicUrl: Type.String({
      default: '',
      description: 'Base URL clients use to reach the API (default: http(s)://<listen>).',
    }),
    databaseUrl: Type.String({
      default: '',
      description: 'postgres://… to use PostgreSQL; empty means the embedded SQLite file in the data dir.',
    }),
    region: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9._-]+$',
      default: 'RegionOne',
      description: 'Region name used in the catalog and as the S3 signing region.',
    }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Log level.' },
    ),
    identity: IdentityConfigSchema,
    objectStore: ObjectStoreConfigSchema,
    image: ImageConfigSchema,
    network: NetworkConfigSchema,
    compute: ComputeConfigSchema,
    volume: VolumeConfigSchema,
    ceph: CephConfigSchema,
    console: ConsoleConfigSchema,
    keyManager: KeyManagerConfigSchema,
    audit: AuditConfigSchema,
    policy: PolicyConfigSchema,
    tls: TlsConfigSchema,
    metrics: MetricsConfigSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type IdentityConfig = Static<typeof IdentityConfigSchema>;
export type CephConfig = Static<typeof CephConfigSchema>;
export type KeyManagerConfig = Static<typeof KeyManagerConfigSchema>;
