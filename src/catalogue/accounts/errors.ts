import { SgciError } from '../../core/index.ts';

/** Why an accounts operation was refused: the server answers 404, 409 or 422, the CLI prints the line. */
export type AccountRefusal = 'not-found' | 'exists' | 'invalid';

/** A refused change to users, organisations, tokens or their secrets, naming the login, slug or field. */
export class AccountError extends SgciError {
  readonly refusal: AccountRefusal;

  constructor(refusal: AccountRefusal, input: string, message: string) {
    super('USAGE', input, message);
    this.name = 'AccountError';
    this.refusal = refusal;
  }
}
