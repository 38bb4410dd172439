import { z } from 'zod';

/**
 * NVD CVE JSON 2.0 (the CVE API 2.0 and the yearly/modified feeds): `vulnerabilities[].cve`. Only what rates a CVE
 * is read; everything else passes through untouched.
 */
const CvssData = z.object({
  version: z.string(),
  vectorString: z.string().max(512),
  baseSeverity: z.string().optional(),
});
const Metric = z.object({
  source: z.string().optional(),
  type: z.string().optional(),
  cvssData: CvssData,
  /** CVSS 2.0 metrics state the rating beside cvssData. */
  baseSeverity: z.string().optional(),
});
const Metrics = z.array(Metric).optional();
export const NvdCve = z.object({
  id: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  lastModified: z.string(),
  vulnStatus: z.string().optional(),
  metrics: z
    .object({ cvssMetricV40: Metrics, cvssMetricV31: Metrics, cvssMetricV30: Metrics, cvssMetricV2: Metrics })
    .optional(),
});
export type NvdCve = z.infer<typeof NvdCve>;
export type NvdMetric = z.infer<typeof Metric>;
