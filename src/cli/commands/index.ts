import type { Command } from 'commander';
import { registerCache } from './cache.ts';
import { registerFiles } from './files.ts';
import { registerInspect } from './inspect.ts';

/** Adds one sub-command to the program. Every command is listed here explicitly, in help order. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [registerInspect, registerFiles, registerCache];
