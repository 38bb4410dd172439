import { array, type Infer, nullish, object, string } from '../image/shape.ts';

/** One image of a `docker save` archive's manifest.json. */
export const DockerArchiveEntry = object({
  Config: string(),
  RepoTags: nullish(array(string())),
  Layers: array(string()),
});
export type DockerArchiveEntry = Infer<typeof DockerArchiveEntry>;

export const DockerArchiveManifest = array(DockerArchiveEntry);
export type DockerArchiveManifest = Infer<typeof DockerArchiveManifest>;
