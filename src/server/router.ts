import { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../catalogue/index.ts';
import type { ServerDeps } from './deps.ts';
import { validationProblem } from './problem.ts';

export interface AppEnv {
  Variables: {
    deps: ServerDeps;
    requestId: string;
    principal: Principal | undefined;
  };
}

export type App = OpenAPIHono<AppEnv>;

/** A router that turns every invalid request part into problem+json naming the field. */
export function router(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.target, result.error);
    },
  });
}
