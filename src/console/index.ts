// Composition of the web console's server side: console tokens, the URLs the remote-consoles API hands
// out, the WebSocket console proxy, and the built single-page app served at / on the API port.
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../common/clock.js';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import type { RemoteConsoles } from '../compute/api/remote-console-routes.js';
import type { ComputeDriver } from '../compute/driver/driver.js';
import type { Server as ComputeServer } from '../compute/model.js';
import {
  attachConsoleProxy,
  CONSOLE_WEBSOCKET_PATH,
  type ConsoleProxy,
  type ConsoleTarget,
} from './console-proxy.js';
import { createConsoleTokens, type ConsoleGrant } from './console-tokens.js';
import { registerStaticFiles, webBuildDir } from './static-files.js';

export interface ConsoleModuleDeps {
  dataDir: string;
  clock: Clock;
  tokenTtlSeconds: number;
  driver: ComputeDriver;
  /** The server row by id, read late (the compute module is built after this one). */
  serverOf(id: string): Promise<ComputeServer | undefined>;
}

export const NOVNC_PAGE_PATH = '/console/novnc';

export function createConsoleModule(deps: ConsoleModuleDeps) {
  const tokens = createConsoleTokens({
    keys: openKeyRepository(join(deps.dataDir, 'keys', 'console')),
    clock: deps.clock,
    ttlSeconds: deps.tokenTtlSeconds,
  });

  const remote: RemoteConsoles = {
    supports: () => deps.driver.consoleSocket !== undefined,
    url(root, serverId, kind) {
      const token = tokens.issue(serverId, kind);
      // noVNC is a page that opens the WebSocket itself; the serial console is the WebSocket (Nova's ws://).
      if (kind === 'vnc') return `${root}${NOVNC_PAGE_PATH}?token=${token}`;
      return `${root.replace(/^http/, 'ws')}${CONSOLE_WEBSOCKET_PATH}?token=${token}`;
    },
  };

  /** The socket behind a still-valid token, checked again now: the server may have stopped or gone. */
  async function targetOf(grant: ConsoleGrant): Promise<ConsoleTarget> {
    const server = await deps.serverOf(grant.serverId);
    if (server === undefined || server.deleted) return { refused: 'server not found' };
    if (server.vmState !== 'active' || server.host === null) return { refused: 'server not running' };
    const socketPath = await deps.driver.consoleSocket?.(grant.serverId, grant.kind).catch(() => undefined);
    return socketPath === undefined ? { refused: 'no console' } : { socketPath };
  }

  return {
    tokens,
    remote,
    /** Starts proxying console WebSockets on the API listener's HTTP server. */
    attachProxy(server: Server, log: Parameters<typeof attachConsoleProxy>[1]['log']): ConsoleProxy {
      return attachConsoleProxy(server, { tokens, targetOf, log });
    },
  };
}

export type ConsoleModule = ReturnType<typeof createConsoleModule>;

/**
 * The console module on the API app: its WebSocket proxy on the app's HTTP server (closed with the app)
 * and the built single-page app at /.
 */
export function mountConsole(app: FastifyInstance, deps: ConsoleModuleDeps): ConsoleModule {
  const consoles = createConsoleModule(deps);
  const proxy = consoles.attachProxy(app.server, app.log);
  app.addHook('onClose', async () => proxy.close());
  registerStaticFiles(app, webBuildDir());
  return consoles;
}
