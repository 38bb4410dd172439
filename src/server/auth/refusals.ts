import type { Context } from 'hono';
import { AccountError } from '../../catalogue/index.ts';
import { HttpProblem, problemResponse } from '../problem.ts';
import type { App, AppEnv } from '../router.ts';

const statusOf = { 'not-found': 404, exists: 409, invalid: 422 } as const;

/**
 * The error handler of the accounts routes: a refused change (unknown organisation, login taken, bad key) becomes
 * problem+json naming the input; anything else goes on to the app's handler.
 */
export function answerRefusals(app: App): App {
  app.onError((error: Error, c: Context<AppEnv>) => {
    if (error instanceof AccountError)
      return problemResponse(c, new HttpProblem(statusOf[error.refusal], error.refusal, error.message));
    throw error;
  });
  return app;
}
