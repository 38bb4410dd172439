import { SgciError } from '../../core/index.ts';

/**
 * The key password: SGCI_PASSWORD, then COSIGN_PASSWORD (so cosign pipelines work unchanged), then a
 * prompt on the terminal without echo. An empty variable counts: cosign keys may have an empty password.
 */
export function passwordFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.SGCI_PASSWORD ?? env.COSIGN_PASSWORD;
}

export async function readPassword(prompt: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = passwordFromEnvironment();
  if (fromEnv !== undefined) return fromEnv;
  const first = await promptHidden(prompt);
  if (options.confirm) {
    const second = await promptHidden('Enter password again: ');
    if (first !== second) throw new SgciError('PASSWORD_INVALID', 'password', 'the two passwords differ');
  }
  return first;
}

/** Reads one line from the TTY with echo off. Refuses when there is no terminal, instead of hanging in CI. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      new SgciError('PASSWORD_INVALID', 'password', 'no terminal to ask for the key password: set SGCI_PASSWORD'),
    );
  }
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(new SgciError('PASSWORD_INVALID', 'password', 'aborted'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}
