// The authorisation step every object write shares: the caller may write objects into the container
// (owner, reseller, or a write ACL), and the container exists.
import { errors } from '../../../common/errors/codes.js';
import { authorizeSwift } from './access.js';
import type { SwiftContext } from './swift-context.js';

export async function authorizeObjectWrite(
  ctx: SwiftContext,
  container = ctx.path.container as string,
): Promise<void> {
  const c = await ctx.objects.getContainer(ctx.path.projectId, container);
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation: 'object-write',
    container: c?.metadata,
    account: account.metadata,
  });
  if (!c) throw errors.notFound('container', container);
}
