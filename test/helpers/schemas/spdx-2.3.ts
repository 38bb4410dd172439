/**
 * A JSON Schema (draft-07) for SPDX 2.3 JSON documents, written by the sgci team from the SPDX 2.3 specification
 * text (https://spdx.github.io/spdx-spec/v2.3/). The official SPDX schema file may not be
 * vendored into this repository (nothing fetched from public repositories is committed), so the tests validate
 * sgci's SPDX output against this one instead.
 *
 * It follows clause 6 (document creation information), clause 7 (package information), clause 8 (file
 * information), clause 9 (snippet information), clause 10 (other licensing information), clause 11 (relationships),
 * clause 12 (annotations) and Annex F (external repository identifiers: the reference categories). Property names
 * are the JSON serialisation's (camelCase, plural arrays, e.g. `checksums`, `externalRefs`, `hasFiles`). The
 * document, packages, files, snippets and the objects inside them are closed (`additionalProperties: false`):
 * SPDX 2.3 has no extension mechanism in these objects, so an unknown member is an error.
 */

const strings = { type: 'array', items: { type: 'string' } } as const;
/** SPDX dates are `YYYY-MM-DDThh:mm:ssZ`, always UTC without fractions (6.9, 7.25–7.27, 12.2). */
const spdxDate = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
} as const;
/** An element of this document (3.2 / 6.3). */
const elementId = '^SPDXRef-[A-Za-z0-9.-]+$';
/** An element of this document or of an external document referenced by `DocumentRef-` (6.6, 11.1). */
const anyElementId = '^(DocumentRef-[A-Za-z0-9.-]+:)?SPDXRef-[A-Za-z0-9.-]+$';
/**
 * A license expression (Annex D) or NONE / NOASSERTION. The grammar is not parsed here; the characters it can
 * use are: license and exception ids, `LicenseRef-`/`DocumentRef-` references, `+`, `:`, parentheses, and the
 * operators AND / OR / WITH separated by spaces.
 */
const licenseExpression = { type: 'string', pattern: '^[A-Za-z0-9.+:()-]+( +[A-Za-z0-9.+:()-]+)*$' } as const;
/** NONE, NOASSERTION, or a download location such as `https://...` or `git+https://...` (7.7, 7.11). */
const location = { type: 'string', pattern: '^(NONE|NOASSERTION|[A-Za-z][A-Za-z0-9+.-]*:\\S+)$' } as const;
/** 7.5 / 7.6: NOASSERTION, or `Person: ...` / `Organization: ...`. */
const agent = { type: 'string', pattern: '^(NOASSERTION|(Person|Organization): .+)$' } as const;
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const refs = (name: string) => ({ type: 'array', items: ref(name) });

/** 11.1: the relationship types of SPDX 2.3, in the specification's order. */
export const spdx23RelationshipTypes = [
  'DESCRIBES',
  'DESCRIBED_BY',
  'CONTAINS',
  'CONTAINED_BY',
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'DEPENDENCY_MANIFEST_OF',
  'BUILD_DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'EXAMPLE_OF',
  'GENERATES',
  'GENERATED_FROM',
  'ANCESTOR_OF',
  'DESCENDANT_OF',
  'VARIANT_OF',
  'DISTRIBUTION_ARTIFACT',
  'PATCH_FOR',
  'PATCH_APPLIED',
  'COPY_OF',
  'FILE_ADDED',
  'FILE_DELETED',
  'FILE_MODIFIED',
  'EXPANDED_FROM_ARCHIVE',
  'DYNAMIC_LINK',
  'STATIC_LINK',
  'DATA_FILE_OF',
  'TEST_CASE_OF',
  'BUILD_TOOL_OF',
  'DEV_TOOL_OF',
  'TEST_OF',
  'TEST_TOOL_OF',
  'DOCUMENTATION_OF',
  'OPTIONAL_COMPONENT_OF',
  'METAFILE_OF',
  'PACKAGE_OF',
  'AMENDS',
  'PREREQUISITE_FOR',
  'HAS_PREREQUISITE',
  'REQUIREMENT_DESCRIPTION_FOR',
  'SPECIFICATION_FOR',
  'OTHER',
] as const;

/** 7.10 / 8.4: the checksum algorithms of SPDX 2.3. */
export const spdx23ChecksumAlgorithms = [
  'SHA1',
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
  'SHA3-256',
  'SHA3-384',
  'SHA3-512',
  'BLAKE2b-256',
  'BLAKE2b-384',
  'BLAKE2b-512',
  'BLAKE3',
  'MD2',
  'MD4',
  'MD5',
  'MD6',
  'ADLER32',
] as const;

export const spdx23Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:sgci:test-schema:spdx-2.3',
  title: 'SPDX 2.3 JSON document (sgci test schema, written from the SPDX 2.3 specification)',
  type: 'object',
  additionalProperties: false,
  // 6.1–6.5, 6.8–6.9 are mandatory.
  required: ['spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo'],
  properties: {
    spdxVersion: { const: 'SPDX-2.3' },
    dataLicense: { const: 'CC0-1.0' },
    SPDXID: { const: 'SPDXRef-DOCUMENT' },
    name: { type: 'string', minLength: 1 },
    // 6.5: a unique absolute URI without a `#` part.
    documentNamespace: { type: 'string', format: 'uri', pattern: '^[^#]+$' },
    externalDocumentRefs: refs('externalDocumentRef'),
    creationInfo: ref('creationInfo'),
    comment: { type: 'string' },
    documentDescribes: { type: 'array', items: { type: 'string', pattern: anyElementId } },
    packages: refs('package'),
    files: refs('file'),
    snippets: refs('snippet'),
    hasExtractedLicensingInfos: refs('extractedLicensingInfo'),
    relationships: refs('relationship'),
    annotations: refs('annotation'),
  },
  definitions: {
    // 6.6.
    externalDocumentRef: {
      type: 'object',
      additionalProperties: false,
      required: ['externalDocumentId', 'spdxDocument', 'checksum'],
      properties: {
        externalDocumentId: { type: 'string', pattern: '^DocumentRef-[A-Za-z0-9.-]+$' },
        spdxDocument: { type: 'string', format: 'uri' },
        checksum: ref('checksum'),
      },
    },
    // 6.7–6.10.
    creationInfo: {
      type: 'object',
      additionalProperties: false,
      required: ['created', 'creators'],
      properties: {
        licenseListVersion: { type: 'string', pattern: '^\\d+\\.\\d+$' },
        creators: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^(Tool|Organization|Person): .+' },
        },
        created: spdxDate,
        comment: { type: 'string' },
      },
    },
    // 7.10 / 8.4: the value is lower-case hexadecimal.
    checksum: {
      type: 'object',
      additionalProperties: false,
      required: ['algorithm', 'checksumValue'],
      properties: {
        algorithm: { enum: spdx23ChecksumAlgorithms },
        checksumValue: { type: 'string', pattern: '^[0-9a-f]+$' },
      },
    },
    // Clause 7.
    package: {
      type: 'object',
      additionalProperties: false,
      required: ['SPDXID', 'name', 'downloadLocation'],
      properties: {
        name: { type: 'string', minLength: 1 },
        SPDXID: { type: 'string', pattern: elementId },
        versionInfo: { type: 'string' },
        packageFileName: { type: 'string' },
        supplier: agent,
        originator: agent,
        downloadLocation: location,
        filesAnalyzed: { type: 'boolean' },
        packageVerificationCode: {
          type: 'object',
          additionalProperties: false,
          required: ['packageVerificationCodeValue'],
          properties: {
            packageVerificationCodeValue: { type: 'string', pattern: '^[0-9a-f]{40}$' },
            packageVerificationCodeExcludedFiles: strings,
          },
        },
        checksums: refs('checksum'),
        homepage: location,
        sourceInfo: { type: 'string' },
        licenseConcluded: licenseExpression,
        licenseInfoFromFiles: { type: 'array', items: licenseExpression },
        licenseDeclared: licenseExpression,
        licenseComments: { type: 'string' },
        copyrightText: { type: 'string' },
        summary: { type: 'string' },
        description: { type: 'string' },
        comment: { type: 'string' },
        externalRefs: refs('externalRef'),
        attributionTexts: strings,
        // 7.24. The JSON serialisation writes OPERATING_SYSTEM; the clause's own table writes OPERATING-SYSTEM.
        primaryPackagePurpose: {
          enum: [
            'APPLICATION',
            'FRAMEWORK',
            'LIBRARY',
            'CONTAINER',
            'OPERATING_SYSTEM',
            'OPERATING-SYSTEM',
            'DEVICE',
            'FIRMWARE',
            'SOURCE',
            'ARCHIVE',
            'FILE',
            'INSTALL',
            'OTHER',
          ],
        },
        releaseDate: spdxDate,
        builtDate: spdxDate,
        validUntilDate: spdxDate,
        hasFiles: { type: 'array', items: { type: 'string', pattern: anyElementId } },
        annotations: refs('annotation'),
      },
      // 7.9 / 7.14: a package whose files were not analysed has no verification code and no license info from files.
      if: { required: ['filesAnalyzed'], properties: { filesAnalyzed: { const: false } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { not: { anyOf: [{ required: ['packageVerificationCode'] }, { required: ['licenseInfoFromFiles'] }] } },
    },
    // 7.21–7.22 and Annex F. PACKAGE_MANAGER / PERSISTENT_ID are the older underscore spellings still in use.
    externalRef: {
      type: 'object',
      additionalProperties: false,
      required: ['referenceCategory', 'referenceType', 'referenceLocator'],
      properties: {
        referenceCategory: {
          enum: ['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER', 'PACKAGE_MANAGER', 'PERSISTENT_ID'],
        },
        referenceType: { type: 'string', minLength: 1 },
        // 7.21: the locator has no spaces.
        referenceLocator: { type: 'string', pattern: '^\\S+$' },
        comment: { type: 'string' },
      },
    },
    // Clause 8. 8.4: at least one checksum, and one of them SHA1.
    file: {
      type: 'object',
      additionalProperties: false,
      required: ['SPDXID', 'fileName', 'checksums'],
      properties: {
        fileName: { type: 'string', minLength: 1 },
        SPDXID: { type: 'string', pattern: elementId },
        fileTypes: {
          type: 'array',
          items: {
            enum: [
              'SOURCE',
              'BINARY',
              'ARCHIVE',
              'APPLICATION',
              'AUDIO',
              'IMAGE',
              'TEXT',
              'VIDEO',
              'DOCUMENTATION',
              'SPDX',
              'OTHER',
            ],
          },
        },
        checksums: {
          type: 'array',
          minItems: 1,
          items: ref('checksum'),
          contains: { type: 'object', properties: { algorithm: { const: 'SHA1' } } },
        },
        licenseConcluded: licenseExpression,
        licenseInfoInFiles: { type: 'array', items: licenseExpression },
        licenseComments: { type: 'string' },
        copyrightText: { type: 'string' },
        comment: { type: 'string' },
        noticeText: { type: 'string' },
        fileContributors: strings,
        attributionTexts: strings,
        annotations: refs('annotation'),
      },
    },
    // Clause 9.
    snippet: {
      type: 'object',
      additionalProperties: false,
      required: ['SPDXID', 'snippetFromFile', 'ranges'],
      properties: {
        SPDXID: { type: 'string', pattern: elementId },
        snippetFromFile: { type: 'string', pattern: anyElementId },
        ranges: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['startPointer', 'endPointer'],
            properties: { startPointer: ref('pointer'), endPointer: ref('pointer') },
          },
        },
        licenseConcluded: licenseExpression,
        licenseInfoInSnippets: { type: 'array', items: licenseExpression },
        licenseComments: { type: 'string' },
        copyrightText: { type: 'string' },
        comment: { type: 'string' },
        name: { type: 'string' },
        attributionTexts: strings,
        annotations: refs('annotation'),
      },
    },
    // 9.3 / 9.4: a byte offset or a line number into the snippet's file.
    pointer: {
      type: 'object',
      additionalProperties: false,
      required: ['reference'],
      oneOf: [{ required: ['offset'] }, { required: ['lineNumber'] }],
      properties: {
        reference: { type: 'string', pattern: anyElementId },
        offset: { type: 'integer', minimum: 0 },
        lineNumber: { type: 'integer', minimum: 1 },
      },
    },
    // Clause 10.
    extractedLicensingInfo: {
      type: 'object',
      additionalProperties: false,
      required: ['licenseId', 'extractedText'],
      properties: {
        licenseId: { type: 'string', pattern: '^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$' },
        extractedText: { type: 'string' },
        name: { type: 'string' },
        seeAlsos: { type: 'array', items: { type: 'string', format: 'uri' } },
        comment: { type: 'string' },
      },
    },
    // Clause 11: the related element may also be NONE or NOASSERTION.
    relationship: {
      type: 'object',
      additionalProperties: false,
      required: ['spdxElementId', 'relationshipType', 'relatedSpdxElement'],
      properties: {
        spdxElementId: { type: 'string', pattern: anyElementId },
        relationshipType: { enum: spdx23RelationshipTypes },
        relatedSpdxElement: {
          anyOf: [{ type: 'string', pattern: anyElementId }, { enum: ['NONE', 'NOASSERTION'] }],
        },
        comment: { type: 'string' },
      },
    },
    // Clause 12.
    annotation: {
      type: 'object',
      additionalProperties: false,
      required: ['annotator', 'annotationDate', 'annotationType', 'comment'],
      properties: {
        annotator: { type: 'string', pattern: '^(Tool|Organization|Person): .+' },
        annotationDate: spdxDate,
        annotationType: { enum: ['REVIEW', 'OTHER'] },
        comment: { type: 'string' },
      },
    },
  },
};
