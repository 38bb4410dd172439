import type { Command } from 'commander';

/** Adds one sub-command to the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Every command, listed here explicitly in help order, loaded on demand: each module pulls in its own
 * dependencies (registry client, database, crypto), and a CI job running `sgci verify` should not pay for
 * loading the SBOM encoders. The key is the command name as typed; one module may serve several names.
 */
export const commandLoaders: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  inspect: async () => (await import('./inspect.ts')).registerInspect,
  files: async () => (await import('./files.ts')).registerFiles,
  sbom: async () => (await import('./sbom.ts')).registerSbom,
  db: async () => (await import('./db.ts')).registerDb,
  vulns: async () => (await import('./vulns.ts')).registerVulns,
  vex: async () => (await import('./vex.ts')).registerVex,
  cache: async () => (await import('./cache.ts')).registerCache,
  key: async () => (await import('./key.ts')).registerKey,
  sign: async () => (await import('./sign.ts')).registerSign,
  verify: async () => (await import('./verify.ts')).registerVerify,
  'verify-attestation': async () => (await import('./verify.ts')).registerVerify,
  attest: async () => (await import('./attest.ts')).registerAttest,
  check: async () => (await import('./check.ts')).registerCheck,
  scan: async () => (await import('./scan.ts')).registerScan,
  monitor: async () => (await import('./monitor.ts')).registerMonitor,
  serve: async () => (await import('./serve.ts')).registerServe,
  worker: async () => (await import('./serve.ts')).registerServe,
  admin: async () => (await import('./admin.ts')).registerAdmin,
  build: async () => (await import('./build.ts')).registerBuild,
};

/**
 * The commands to register for these arguments: just the one being run, or all of them when the user asks for
 * help or names no known command (so help and "did you mean" see every command).
 */
export async function loadCommands(args: readonly string[]): Promise<RegisterCommand[]> {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  if (name === undefined && (args.includes('--version') || args.includes('-V'))) return [];
  const loader = name === undefined ? undefined : commandLoaders[name];
  const loaders = loader ? [loader] : Object.values(commandLoaders);
  return [...new Set(await Promise.all(loaders.map((load) => load())))];
}
