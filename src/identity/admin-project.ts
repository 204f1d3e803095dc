// Keystone's admin project ([resource] admin_project_name): a token scoped to it carries
// is_admin_project=true, and its admins are the cloud's admins; any other project's admin administers
// only that project. Left empty, there is no admin project and every project-scoped token counts as
// is_admin_project (what keystonemiddleware assumes when the token says nothing), so an admin of any
// project is a cloud admin. Like Keystone, the match is by name (in the Default domain) at validation.
import type { AuthScope } from '../common/http/context.js';
import { DEFAULT_DOMAIN_ID } from './model.js';

/** The project the bootstrap admin gets: the admin project, or `admin` when none is configured. */
export function bootstrapProjectName(adminProjectName: string): string {
  return adminProjectName === '' ? 'admin' : adminProjectName;
}

/** Decides is_admin_project for a project-scoped token. */
export function adminProjectRule(adminProjectName: string) {
  return (scope: AuthScope & { kind: 'project' }): boolean =>
    adminProjectName === '' ||
    (scope.projectName === adminProjectName && scope.domainId === DEFAULT_DOMAIN_ID);
}
