/** Whether to colour terminal output: only on a TTY and never with NO_COLOR set. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

// the commands' tables; it lives in core so that encoders below the CLI (sbom) share it
export { renderTable } from '../core/index.ts';

/** Writes to stdout and waits for the drain, so large reports are not cut when the process exits. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
