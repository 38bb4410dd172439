import { z } from 'zod';

/** One image of a `docker save` archive's manifest.json. */
export const DockerArchiveEntry = z.object({
  Config: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  Layers: z.array(z.string()),
});
export type DockerArchiveEntry = z.infer<typeof DockerArchiveEntry>;

export const DockerArchiveManifest = z.array(DockerArchiveEntry);
export type DockerArchiveManifest = z.infer<typeof DockerArchiveManifest>;
