/** The catalogue server in process, on a test catalogue: requests go through `app.request`, no socket. */
import type { Catalogue, CatalogueServices } from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import {
  type App,
  createApp,
  loadServerConfig,
  Metrics,
  type ServerConfigInput,
  type ServerDeps,
} from '../../src/server/index.ts';

export interface TestServer {
  readonly app: App;
  readonly deps: ServerDeps;
  /** Flip to false to see the server as shutting down. */
  accepting: boolean;
}

/** `services`: what a test adds to the server's services, e.g. the monitor's ledger (`monitor`). */
export function testServer(
  catalogue: Catalogue,
  flags: ServerConfigInput = {},
  services: Pick<CatalogueServices, 'monitor'> = {},
): TestServer {
  const state: { accepting: boolean } = { accepting: true };
  const config = loadServerConfig({ env: {}, flags });
  const deps: ServerDeps = {
    catalogue,
    images: registryImageAccess({ config, logger: silentLogger }),
    policy: defaultPolicy,
    config,
    logger: silentLogger,
    metrics: new Metrics(),
    accepting: () => state.accepting,
    ...services,
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    get accepting() {
      return state.accepting;
    },
    set accepting(value: boolean) {
      state.accepting = value;
    },
  };
}
