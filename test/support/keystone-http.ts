// Raw Keystone v3 HTTP calls with Node's fetch, for e2e checks the CLI cannot express exactly
// (validating one token with another, using a token that should have stopped working).
import type { Credentials } from './openstack-cli.js';

export interface IssuedToken {
  token: string;
  status: number;
  body: unknown;
}

/** POST /v3/auth/tokens with the password method; resolves the X-Subject-Token. Throws unless 201. */
export async function issueToken(creds: Credentials): Promise<IssuedToken> {
  const scope = creds.projectName
    ? { project: { name: creds.projectName, domain: { name: creds.projectDomainName ?? 'Default' } } }
    : creds.domainName
      ? { domain: { name: creds.domainName } }
      : undefined;
  const request = {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: creds.username,
            domain: { name: creds.userDomainName ?? 'Default' },
            password: creds.password,
          },
        },
      },
      ...(scope ? { scope } : {}),
    },
  };
  const response = await fetch(`${creds.authUrl.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token) {
    throw new Error(
      `POST /v3/auth/tokens as ${creds.username}: HTTP ${response.status}, X-Subject-Token ${token}\n${text}`,
    );
  }
  return { token, status: response.status, body: parseJson(text) };
}

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

/** GET /v3/auth/tokens: validates `subjectToken` using `authToken`. */
export async function validateToken(
  authUrl: string,
  authToken: string,
  subjectToken: string,
): Promise<HttpResult> {
  return keystoneGet(authUrl, '/auth/tokens', authToken, { 'x-subject-token': subjectToken });
}

/** GET `${authUrl}${path}` with X-Auth-Token; never throws on an HTTP error status. */
export async function keystoneGet(
  authUrl: string,
  path: string,
  authToken: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(`${authUrl.replace(/\/+$/, '')}${path}`, {
    headers: { accept: 'application/json', 'x-auth-token': authToken, ...headers },
  });
  const text = await response.text();
  return { status: response.status, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
