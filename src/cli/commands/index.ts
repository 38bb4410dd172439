import type { Command } from 'commander';

/** Adds one sub-command to the program. Every command is listed here explicitly, in help order. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [];
