/** The output formats of `sgci sbom`: a module of its own so the CLI can list them without loading encoders. */
export const sbomFormats = ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'table'] as const;
export type SbomFormat = (typeof sbomFormats)[number];

export function isSbomFormat(value: string): value is SbomFormat {
  return (sbomFormats as readonly string[]).includes(value);
}
