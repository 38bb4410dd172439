/**
 * OCI images: the types every consumer of an opened image names. The parts load on demand through their own
 * index (`oci/source` opens images, `oci/registry` reaches registries, `oci/fs` builds trees), so a command pays
 * only for the transports it uses.
 */
export type * from './types.ts';
