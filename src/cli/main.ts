import { Command, CommanderError } from 'commander';
import { describe, isSgciError, safeText, toolVersion } from '../core/index.ts';
import { loadCommands, type RegisterCommand } from './commands/index.ts';
import { exitCodes } from './exit-codes.ts';

export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command('sgci')
    .description('Secure Government Container Initiative: inspect, catalogue, check and sign OCI images')
    .version(toolVersion)
    .option('--debug', 'print stack traces and debug logs on errors')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of commands) register(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  if (debug && !process.env.SGCI_LOG_LEVEL) process.env.SGCI_LOG_LEVEL = 'debug';
  const program = buildProgram(await loadCommands(argv.slice(2)));
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (isSgciError(error)) {
      process.stderr.write(`sgci: ${safeText(error.message)}\n`);
      if (debug && error.stack)
        process.stderr.write(`${error.stack}\n${error.cause ? `cause: ${describe(error.cause)}\n` : ''}`);
      return exitCodes.usage;
    }
    process.stderr.write(
      `sgci: internal error: ${safeText(describe(error))}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodes.usage;
  }
}
