import type { Selectable } from 'kysely';
import type { ImagesTable } from '../db/schema.ts';

/** What an image's entry says about it, the same in the list, the image, and the export. */
export interface ImageFacts {
  readonly name: string;
  readonly organisation: string;
  /** registry/repository the versions come from. */
  readonly repository: string;
  readonly description: { readonly de: string; readonly en: string };
  readonly categories: readonly string[];
  readonly license: string;
  readonly source: string;
  readonly contact: string;
  readonly endOfLife: string | null;
  readonly updatedAt: string;
}

export type ImageRow = Pick<
  Selectable<ImagesTable>,
  | 'name'
  | 'organisation'
  | 'repository'
  | 'description_de'
  | 'description_en'
  | 'categories'
  | 'license'
  | 'source'
  | 'contact'
  | 'end_of_life'
  | 'updated_at'
>;

export function imageFacts(image: ImageRow): ImageFacts {
  return {
    name: image.name,
    organisation: image.organisation,
    repository: image.repository,
    description: { de: image.description_de, en: image.description_en },
    categories: image.categories,
    license: image.license,
    source: image.source,
    contact: image.contact,
    endOfLife: image.end_of_life,
    updatedAt: image.updated_at.toISOString(),
  };
}
