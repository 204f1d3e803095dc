// The identity service's domain objects (camelCase). Stores convert rows to these; views convert these
// to Keystone's wire shapes.
export interface Domain {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  extra: Record<string, unknown>;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
  parentId: string | null;
  description: string;
  enabled: boolean;
  tags: string[];
  extra: Record<string, unknown>;
}

export interface User {
  id: string;
  domainId: string;
  name: string;
  enabled: boolean;
  defaultProjectId: string | null;
  passwordHash: string | null;
  passwordExpiresAt: string | null;
  tokensValidAfter: string;
  failedAuthCount: number;
  lastFailedAuthAt: string | null;
  extra: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface Group {
  id: string;
  domainId: string;
  name: string;
  description: string;
  extra: Record<string, unknown>;
}

export interface Role {
  id: string;
  name: string;
  /** null for global roles. */
  domainId: string | null;
  description: string;
  extra: Record<string, unknown>;
}

export interface Region {
  id: string;
  description: string;
  parentRegionId: string | null;
  extra: Record<string, unknown>;
}

export interface CatalogService {
  id: string;
  type: string;
  name: string;
  description: string;
  enabled: boolean;
  extra: Record<string, unknown>;
}

export interface Endpoint {
  id: string;
  serviceId: string;
  regionId: string | null;
  interface: 'public' | 'internal' | 'admin';
  url: string;
  enabled: boolean;
  extra: Record<string, unknown>;
}

export type AssignmentType =
  'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain' | 'UserSystem' | 'GroupSystem';

export interface Assignment {
  type: AssignmentType;
  actorId: string;
  targetId: string;
  roleId: string;
  inherited: boolean;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  userId: string;
  projectId: string;
  secretHash: string;
  description: string;
  expiresAt: string | null;
  unrestricted: boolean;
  roleIds: string[];
}

export interface Credential {
  id: string;
  userId: string;
  projectId: string | null;
  type: string;
  /** Decrypted blob (JSON text for ec2). */
  blob: string;
  extra: Record<string, unknown>;
}

export const DEFAULT_DOMAIN_ID = 'default';
export const SYSTEM_TARGET = 'system';
