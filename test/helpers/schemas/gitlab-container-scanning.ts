/**
 * A JSON Schema (draft-07) for GitLab's container-scanning security report, schema version 15.x, written by the
 * sgci team from GitLab's documentation of the security report format ("Security scanner integration", the
 * container-scanning-report-format of gitlab-org/security-products/security-report-schemas). The official schema
 * file may not be vendored into this repository (nothing fetched from public repositories is committed), so the
 * tests validate sgci's `-o gitlab` output against this one instead.
 *
 * It covers what GitLab reads from a container-scanning report: the top-level `version`, `scan` (analyzer and
 * scanner with vendor, type, times in GitLab's zone-less format, status), `vulnerabilities[]` (id, severity,
 * identifiers, links, flags, the container location) and `remediations[]`. Like GitLab's schema it leaves objects
 * open (`additionalProperties` is not restricted), so only what is stated here is checked. Lengths and patterns
 * are those GitLab documents; where the documentation gives none, a non-empty string is required.
 */

const nonEmpty = { type: 'string', minLength: 1 } as const;
/** GitLab's scan times: `YYYY-MM-DDTHH:MM:SS`, no zone, no fractions. */
const gitlabTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' } as const;
const webUrl = { type: 'string', pattern: '^(https?|ftp)://.+' } as const;

const identifier = {
  type: 'object',
  required: ['type', 'name', 'value'],
  properties: {
    type: { ...nonEmpty, description: 'cve, cwe, ghsa, osvdb …' },
    name: nonEmpty,
    url: webUrl,
    value: nonEmpty,
  },
} as const;

/** The analyzer (the integration that ran) and the scanner (the engine that found): same shape in 15.x. */
const tool = {
  type: 'object',
  required: ['id', 'name', 'version', 'vendor'],
  properties: {
    id: nonEmpty,
    name: { ...nonEmpty, maxLength: 255 },
    url: webUrl,
    version: nonEmpty,
    vendor: {
      type: 'object',
      required: ['name'],
      properties: { name: { ...nonEmpty, maxLength: 255 } },
    },
  },
} as const;

export const gitlabContainerScanningSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'GitLab container-scanning report, schema 15.x (written from GitLab documentation)',
  type: 'object',
  required: ['version', 'scan', 'vulnerabilities'],
  properties: {
    schema: { type: 'string', pattern: '^https?://.+\\.json$' },
    version: { type: 'string', pattern: '^15\\.[0-9]+\\.[0-9]+$' },
    scan: {
      type: 'object',
      required: ['analyzer', 'scanner', 'type', 'start_time', 'end_time', 'status'],
      properties: {
        analyzer: tool,
        scanner: tool,
        type: { const: 'container_scanning' },
        start_time: gitlabTime,
        end_time: gitlabTime,
        status: { enum: ['success', 'failure'] },
        messages: {
          type: 'array',
          items: {
            type: 'object',
            required: ['level', 'value'],
            properties: { level: { enum: ['info', 'warn', 'fatal'] }, value: { type: 'string' } },
          },
        },
        primary_identifiers: { type: 'array', items: identifier },
      },
    },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'severity', 'identifiers', 'location'],
        properties: {
          id: nonEmpty,
          name: { type: 'string', maxLength: 255 },
          description: { type: 'string', maxLength: 1048576 },
          severity: { enum: ['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'] },
          solution: { type: 'string', maxLength: 7000 },
          identifiers: { type: 'array', minItems: 1, maxItems: 20, items: identifier },
          links: {
            type: 'array',
            items: {
              type: 'object',
              required: ['url'],
              properties: { name: { type: 'string' }, url: webUrl },
            },
          },
          flags: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'origin', 'description'],
              properties: {
                type: { enum: ['flagged-as-likely-false-positive'] },
                origin: nonEmpty,
                description: nonEmpty,
              },
            },
          },
          details: { type: 'object' },
          location: {
            type: 'object',
            required: ['dependency', 'operating_system', 'image'],
            properties: {
              dependency: {
                type: 'object',
                required: ['package', 'version'],
                properties: {
                  package: {
                    type: 'object',
                    required: ['name'],
                    properties: { name: { ...nonEmpty, maxLength: 255 } },
                  },
                  version: nonEmpty,
                },
              },
              operating_system: nonEmpty,
              image: nonEmpty,
              default_branch_image: {
                type: 'string',
                maxLength: 255,
                pattern: '^[a-zA-Z0-9/_.-]+(:\\d+[a-zA-Z/_.-]*)?:[a-zA-Z0-9_.-]+$',
              },
            },
          },
        },
      },
    },
    remediations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fixes', 'summary', 'diff'],
        properties: {
          fixes: {
            type: 'array',
            minItems: 1,
            items: { type: 'object', required: ['id'], properties: { id: nonEmpty } },
          },
          summary: nonEmpty,
          diff: nonEmpty,
        },
      },
    },
  },
} as const;
