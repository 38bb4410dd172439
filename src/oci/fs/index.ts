export { compileGlob } from './glob.ts';
export { mergeNeeds } from './needs.ts';
export { normalizeImagePath } from './paths.ts';
export { type ReadFilesystemOptions, readFilesystem } from './read-filesystem.ts';
export { buildFileTree, maxSymlinkHops } from './tree.ts';
