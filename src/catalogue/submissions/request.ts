import { z } from 'zod';

const slug = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const kib = 1024;

/** A file handed in with a submission: its name (for evidence) and its text. */
export const SubmittedFile = z
  .object({
    name: z.string().min(1).max(200),
    content: z.string().max(1024 * kib),
  })
  .strict();

/** `POST /api/v1/submissions`: a version of an image to admit, with what the contributor knows about it. */
export const SubmissionRequest = z
  .object({
    image: z
      .string()
      .min(1)
      .max(512)
      .describe('The image reference, by tag or digest: the tag is resolved to its digest at once.'),
    name: z.string().regex(slug, 'lower-case letters, digits and inner hyphens, at most 64').describe('Catalogue name'),
    organisation: z
      .string()
      .regex(slug)
      .optional()
      .describe('The submitting organisation; needed only for members of several.'),
    description: z.object({ de: z.string().min(1).max(4000), en: z.string().min(1).max(4000) }).strict(),
    categories: z.array(z.string().regex(slug)).min(1).max(10),
    license: z.string().min(1).max(200).describe('SPDX licence expression of the image contents'),
    source: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .describe('Where the image is built from'),
    contact: z.string().min(3).max(200),
    endOfLife: z.iso.date().optional(),
    dockerfile: z
      .string()
      .max(256 * kib)
      .optional()
      .describe('The Dockerfile the image was built from'),
    manifests: z.array(SubmittedFile).max(50).optional().describe('Kubernetes manifests the image is run with'),
    vex: z
      .array(SubmittedFile)
      .max(20)
      .optional()
      .describe("The contributor's VEX documents (OpenVEX, CycloneDX, CSAF)"),
  })
  .strict();
export type SubmissionRequest = z.infer<typeof SubmissionRequest>;
