import type { Command } from 'commander';
import { registerAttest } from './attest.ts';
import { registerCache } from './cache.ts';
import { registerCheck } from './check.ts';
import { registerDb } from './db.ts';
import { registerFiles } from './files.ts';
import { registerInspect } from './inspect.ts';
import { registerKey } from './key.ts';
import { registerSbom } from './sbom.ts';
import { registerScan } from './scan.ts';
import { registerSign } from './sign.ts';
import { registerVerify } from './verify.ts';
import { registerVex } from './vex.ts';
import { registerVulns } from './vulns.ts';

/** Adds one sub-command to the program. Every command is listed here explicitly, in help order. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [
  registerInspect,
  registerFiles,
  registerSbom,
  registerDb,
  registerVulns,
  registerVex,
  registerCache,
  registerKey,
  registerSign,
  registerVerify,
  registerAttest,
  registerCheck,
  registerScan,
];
