// The Keystone session, held in memory only (never in storage): login with a password or an application
// credential, a project-scoped token from the catalog, re-authentication before expiry, and logout.
import { ApiError, errorOf } from './errors';

export interface CatalogEndpoint {
  url: string;
  interface: string;
  region_id?: string;
  region?: string;
}
export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

export type Credentials =
  | { kind: 'password'; domain: string; user: string; password: string }
  | { kind: 'application'; id: string; secret: string };

export interface Session {
  token: string;
  expiresAt: number;
  userId: string;
  userName: string;
  domainName: string;
  project: { id: string; name: string } | undefined;
  roles: string[];
  isAdminProject: boolean;
  catalog: CatalogEntry[];
  region: string;
  /** Kept in memory to re-authenticate before the token expires (the same credentials the user typed). */
  credentials: Credentials;
}

function identityBody(credentials: Credentials, projectId?: string) {
  if (credentials.kind === 'application') {
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: credentials.id, secret: credentials.secret },
        },
      },
    };
  }
  const user = {
    name: credentials.user,
    domain: { name: credentials.domain },
    password: credentials.password,
  };
  return {
    auth: {
      identity: { methods: ['password'], password: { user } },
      ...(projectId ? { scope: { project: { id: projectId } } } : {}),
    },
  };
}

interface TokenBody {
  token: {
    expires_at: string;
    user: { id: string; name: string; domain: { name: string } };
    project?: { id: string; name: string };
    roles?: { name: string }[];
    catalog?: CatalogEntry[];
    is_admin_project?: boolean;
  };
}

/** Rescoping an unscoped token to a project: Keystone's token method, no second password check. */
function tokenBody(token: string, projectId: string) {
  return {
    auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: projectId } } },
  };
}

async function authenticate(
  credentials: Credentials,
  projectId?: string,
  unscoped?: string,
): Promise<{ token: string; body: TokenBody }> {
  const response = await fetch('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      unscoped && projectId ? tokenBody(unscoped, projectId) : identityBody(credentials, projectId),
    ),
  });
  if (!response.ok) throw await errorOf(response);
  const token = response.headers.get('x-subject-token');
  if (!token) throw new ApiError(500, 'Keystone answered no token.');
  return { token, body: (await response.json()) as TokenBody };
}

function sessionOf(token: string, body: TokenBody, credentials: Credentials, region?: string): Session {
  const t = body.token;
  const catalog = t.catalog ?? [];
  const regions = catalog.flatMap((c) => c.endpoints.map((e) => e.region_id ?? e.region ?? ''));
  return {
    token,
    expiresAt: Date.parse(t.expires_at),
    userId: t.user.id,
    userName: t.user.name,
    domainName: t.user.domain.name,
    project: t.project,
    roles: (t.roles ?? []).map((r) => r.name),
    isAdminProject: t.is_admin_project === true,
    catalog,
    region: region && regions.includes(region) ? region : (regions.find(Boolean) ?? ''),
    credentials,
  };
}

/** Logs in; a password login without a project is rescoped to the user's first project. */
export async function login(credentials: Credentials, projectId?: string, region?: string): Promise<Session> {
  const first = await authenticate(credentials, projectId);
  if (first.body.token.project || credentials.kind === 'application') {
    return sessionOf(first.token, first.body, credentials, region);
  }
  const projects = await fetch(`/identity/v3/auth/projects`, { headers: { 'x-auth-token': first.token } });
  if (!projects.ok) throw await errorOf(projects);
  const list = ((await projects.json()) as { projects: { id: string }[] }).projects;
  const chosen = list[0];
  if (!chosen) return sessionOf(first.token, first.body, credentials, region);
  const scoped = await authenticate(credentials, chosen.id, first.token);
  return sessionOf(scoped.token, scoped.body, credentials, region);
}

/** Keystone's own logout: the token is revoked, not just forgotten. */
export async function logout(session: Session): Promise<void> {
  await fetch('/identity/v3/auth/tokens', {
    method: 'DELETE',
    headers: { 'x-auth-token': session.token, 'x-subject-token': session.token },
  }).catch(() => undefined);
}

/** A new token for the same user and project (before expiry, or to switch project). */
export function reauthenticate(session: Session, projectId?: string, region?: string): Promise<Session> {
  return login(session.credentials, projectId ?? session.project?.id, region ?? session.region);
}

/** Milliseconds until a refresh is due: five minutes before expiry, or at half-life for short tokens. */
export function refreshDelayMs(session: Session, now = Date.now()): number {
  const left = session.expiresAt - now;
  return Math.max(5_000, Math.min(left - 5 * 60_000, left / 2));
}

export function regionsOf(session: Session): string[] {
  return [
    ...new Set(session.catalog.flatMap((c) => c.endpoints.map((e) => e.region_id ?? e.region ?? ''))),
  ].filter(Boolean);
}
