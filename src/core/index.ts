export * from './atomic-file.ts';
export * from './digest.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './logger.ts';
export * from './paths.ts';
export * from './table.ts';
export * from './zip.ts';
