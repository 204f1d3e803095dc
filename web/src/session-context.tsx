// The current session for every page, and what the policy lets its user do (so that a reader never sees a
// button that would fail).
import { createContext, useContext } from 'react';
import type { Session } from './api/session';

export interface SessionContext {
  session: Session;
  switchProject(projectId: string): Promise<void>;
  switchRegion(region: string): Promise<void>;
  logout(): Promise<void>;
}

export const SessionCtx = createContext<SessionContext | undefined>(undefined);

export function useSession(): SessionContext {
  const value = useContext(SessionCtx);
  if (!value) throw new Error('useSession outside a session');
  return value;
}

/** Members and admins change resources; readers only read (Nuage's and OpenStack's default policy). */
export function canWrite(session: Session): boolean {
  return session.roles.includes('member') || session.roles.includes('admin');
}

/** Project admin (identity of the project: users, roles, quotas shown read-only otherwise). */
export function isProjectAdmin(session: Session): boolean {
  return session.roles.includes('admin');
}

/** Cloud admin: admin on the admin project (hypervisors, all instances, flavors, public images, services). */
export function isCloudAdmin(session: Session): boolean {
  return session.roles.includes('admin') && session.isAdminProject;
}
