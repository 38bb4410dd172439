/**
 * A JSON Schema (draft-07) for SARIF 2.1.0 logs, written by the sgci team from the OASIS specification text
 * ("Static Analysis Results Interchange Format (SARIF) Version 2.1.0", OASIS Standard incl. Errata 01). The
 * official OASIS schema file may not be vendored into this repository (nothing fetched from public repositories
 * is committed), so the tests validate sgci's SARIF output against this one instead.
 *
 * It follows §3.8 (property bags), §3.11–3.12 (message, multiformatMessageString), §3.13 (sarifLog),
 * §3.14 (run), §3.18–3.19 (tool, toolComponent), §3.20 (invocation), §3.24 (artifact), §3.4 (artifactLocation),
 * §3.27 (result), §3.28–3.30 (location, physicalLocation, region), §3.33 (logicalLocation), §3.35 (suppression),
 * §3.49–3.50 (reportingDescriptor, reportingConfiguration), §3.52 (reportingDescriptorReference) and §3.53
 * (toolComponentReference). Objects the spec defines with a closed member list are closed here
 * (`additionalProperties: false`); extension data goes in `properties` bags as the spec intends. Objects sgci never
 * writes (code flows, graphs, fixes, web requests, ...) are only checked to be objects.
 */

/** An object the spec defines but sgci does not emit: checked only for its JSON type. */
const anObject = { type: 'object' } as const;
const objects = { type: 'array', items: anObject } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const uniqueStrings = { type: 'array', items: { type: 'string' }, uniqueItems: true } as const;
/** Array indices default to -1, "not available" (§3.7.2). */
const index = { type: 'integer', minimum: -1 } as const;
/** SARIF date/time values are ISO 8601 in UTC (§3.9). */
const utcTime = { type: 'string', format: 'date-time', pattern: 'Z$' } as const;
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const refs = (name: string) => ({ type: 'array', items: ref(name) });
/** A map from string keys to string values (fingerprints §3.27.16–17, hashes §3.24.11). */
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const sarif210Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:sgci:test-schema:sarif-2.1.0',
  title: 'SARIF 2.1.0 log (sgci test schema, written from the OASIS specification)',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    // §3.13.4: null means the tool failed before it could determine the runs.
    runs: { type: ['array', 'null'], items: ref('run') },
    inlineExternalProperties: objects,
    properties: ref('propertyBag'),
  },
  definitions: {
    // §3.8: any members, plus an optional set of unique string tags.
    propertyBag: {
      type: 'object',
      properties: { tags: uniqueStrings },
    },
    // §3.11.
    message: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['text'] }, { required: ['id'] }],
      properties: {
        text: { type: 'string' },
        markdown: { type: 'string' },
        id: { type: 'string' },
        arguments: strings,
        properties: ref('propertyBag'),
      },
    },
    // §3.12.
    multiformatMessageString: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: {
        text: { type: 'string' },
        markdown: { type: 'string' },
        properties: ref('propertyBag'),
      },
    },
    // §3.14.
    run: {
      type: 'object',
      additionalProperties: false,
      required: ['tool'],
      properties: {
        tool: ref('tool'),
        invocations: refs('invocation'),
        conversion: anObject,
        language: { type: 'string', pattern: '^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$' },
        versionControlProvenance: objects,
        originalUriBaseIds: { type: 'object', additionalProperties: ref('artifactLocation') },
        artifacts: refs('artifact'),
        logicalLocations: refs('logicalLocation'),
        graphs: objects,
        results: refs('result'),
        automationDetails: anObject,
        runAggregates: objects,
        baselineGuid: ref('guid'),
        redactionTokens: uniqueStrings,
        defaultEncoding: { type: 'string' },
        defaultSourceLanguage: { type: 'string' },
        newlineSequences: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
        columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
        externalPropertyFileReferences: anObject,
        threadFlowLocations: objects,
        taxonomies: refs('toolComponent'),
        addresses: objects,
        translations: refs('toolComponent'),
        policies: refs('toolComponent'),
        webRequests: objects,
        webResponses: objects,
        specialLocations: anObject,
        properties: ref('propertyBag'),
      },
    },
    // §3.5.3: a GUID as 8-4-4-4-12 hexadecimal digits.
    guid: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    },
    // §3.18.
    tool: {
      type: 'object',
      additionalProperties: false,
      required: ['driver'],
      properties: {
        driver: ref('toolComponent'),
        extensions: refs('toolComponent'),
        properties: ref('propertyBag'),
      },
    },
    // §3.19.
    toolComponent: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        guid: ref('guid'),
        name: { type: 'string' },
        organization: { type: 'string' },
        product: { type: 'string' },
        productSuite: { type: 'string' },
        shortDescription: ref('multiformatMessageString'),
        fullDescription: ref('multiformatMessageString'),
        fullName: { type: 'string' },
        version: { type: 'string' },
        semanticVersion: { type: 'string' },
        dottedQuadFileVersion: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+){3}$' },
        releaseDateUtc: { type: 'string' },
        downloadUri: { type: 'string', format: 'uri' },
        informationUri: { type: 'string', format: 'uri' },
        globalMessageStrings: { type: 'object', additionalProperties: ref('multiformatMessageString') },
        notifications: refs('reportingDescriptor'),
        rules: refs('reportingDescriptor'),
        taxa: refs('reportingDescriptor'),
        locations: refs('artifactLocation'),
        language: { type: 'string' },
        contents: { type: 'array', items: { enum: ['localizedData', 'nonLocalizedData'] }, uniqueItems: true },
        isComprehensive: { type: 'boolean' },
        localizedDataSemanticVersion: { type: 'string' },
        minimumRequiredLocalizedDataSemanticVersion: { type: 'string' },
        associatedComponent: ref('toolComponentReference'),
        translationMetadata: anObject,
        supportedTaxonomies: refs('toolComponentReference'),
        properties: ref('propertyBag'),
      },
    },
    // §3.53.
    toolComponentReference: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        index,
        guid: ref('guid'),
        properties: ref('propertyBag'),
      },
    },
    // §3.49.
    reportingDescriptor: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string' },
        deprecatedIds: uniqueStrings,
        guid: ref('guid'),
        deprecatedGuids: { type: 'array', items: ref('guid'), uniqueItems: true },
        name: { type: 'string' },
        deprecatedNames: uniqueStrings,
        shortDescription: ref('multiformatMessageString'),
        fullDescription: ref('multiformatMessageString'),
        messageStrings: { type: 'object', additionalProperties: ref('multiformatMessageString') },
        defaultConfiguration: ref('reportingConfiguration'),
        helpUri: { type: 'string', format: 'uri' },
        help: ref('multiformatMessageString'),
        relationships: objects,
        properties: ref('propertyBag'),
      },
    },
    // §3.50.
    reportingConfiguration: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        level: ref('level'),
        rank: { type: 'number', minimum: -1, maximum: 100 },
        parameters: ref('propertyBag'),
        properties: ref('propertyBag'),
      },
    },
    // §3.27.10.
    level: { enum: ['none', 'note', 'warning', 'error'] },
    // §3.52.
    reportingDescriptorReference: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['index'] }, { required: ['guid'] }, { required: ['id'] }],
      properties: {
        id: { type: 'string' },
        index,
        guid: ref('guid'),
        toolComponent: ref('toolComponentReference'),
        properties: ref('propertyBag'),
      },
    },
    // §3.20.
    invocation: {
      type: 'object',
      additionalProperties: false,
      required: ['executionSuccessful'],
      properties: {
        commandLine: { type: 'string' },
        arguments: strings,
        responseFiles: refs('artifactLocation'),
        startTimeUtc: utcTime,
        endTimeUtc: utcTime,
        exitCode: { type: 'integer' },
        ruleConfigurationOverrides: objects,
        notificationConfigurationOverrides: objects,
        toolExecutionNotifications: objects,
        toolConfigurationNotifications: objects,
        exitCodeDescription: { type: 'string' },
        exitSignalName: { type: 'string' },
        exitSignalNumber: { type: 'integer' },
        processStartFailureMessage: { type: 'string' },
        executionSuccessful: { type: 'boolean' },
        machine: { type: 'string' },
        account: { type: 'string' },
        processId: { type: 'integer' },
        executableLocation: ref('artifactLocation'),
        workingDirectory: ref('artifactLocation'),
        environmentVariables: stringMap,
        stdin: ref('artifactLocation'),
        stdout: ref('artifactLocation'),
        stderr: ref('artifactLocation'),
        stdoutStderr: ref('artifactLocation'),
        properties: ref('propertyBag'),
      },
    },
    // §3.4.
    artifactLocation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        uri: { type: 'string', format: 'uri-reference' },
        uriBaseId: { type: 'string' },
        index,
        description: ref('message'),
        properties: ref('propertyBag'),
      },
    },
    // §3.24.
    artifact: {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: ref('message'),
        location: ref('artifactLocation'),
        parentIndex: index,
        offset: { type: 'integer', minimum: 0 },
        length: index,
        roles: {
          type: 'array',
          uniqueItems: true,
          items: {
            enum: [
              'analysisTarget',
              'attachment',
              'responseFile',
              'resultFile',
              'standardStream',
              'tracedFile',
              'unmodified',
              'modified',
              'added',
              'deleted',
              'renamed',
              'uncontrolled',
              'driver',
              'extension',
              'translation',
              'taxonomy',
              'policy',
              'referencedOnCommandLine',
              'memoryContents',
              'directory',
              'userSpecifiedConfiguration',
              'toolSpecifiedConfiguration',
              'debugOutputFile',
            ],
          },
        },
        mimeType: { type: 'string', pattern: '^[^/]+/.+$' },
        contents: anObject,
        encoding: { type: 'string' },
        sourceLanguage: { type: 'string' },
        hashes: stringMap,
        lastModifiedTimeUtc: utcTime,
        properties: ref('propertyBag'),
      },
    },
    // §3.27.
    result: {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      properties: {
        ruleId: { type: 'string' },
        ruleIndex: index,
        rule: ref('reportingDescriptorReference'),
        kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
        level: ref('level'),
        message: ref('message'),
        analysisTarget: ref('artifactLocation'),
        locations: refs('location'),
        guid: ref('guid'),
        correlationGuid: ref('guid'),
        occurrenceCount: { type: 'integer', minimum: 1 },
        partialFingerprints: stringMap,
        fingerprints: stringMap,
        stacks: objects,
        codeFlows: objects,
        graphs: objects,
        graphTraversals: objects,
        relatedLocations: refs('location'),
        suppressions: refs('suppression'),
        baselineState: { enum: ['new', 'unchanged', 'updated', 'absent'] },
        rank: { type: 'number', minimum: -1, maximum: 100 },
        attachments: objects,
        hostedViewerUri: { type: 'string', format: 'uri' },
        workItemUris: { type: 'array', items: { type: 'string', format: 'uri' }, uniqueItems: true },
        provenance: anObject,
        fixes: objects,
        taxa: refs('reportingDescriptorReference'),
        webRequest: anObject,
        webResponse: anObject,
        properties: ref('propertyBag'),
      },
      // §3.27.10: when kind is present and not "fail", level is "none".
      if: { required: ['kind'], properties: { kind: { not: { const: 'fail' } } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { properties: { level: { const: 'none' } } },
    },
    // §3.28.
    location: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: index,
        physicalLocation: ref('physicalLocation'),
        logicalLocations: refs('logicalLocation'),
        message: ref('message'),
        annotations: refs('region'),
        relationships: objects,
        properties: ref('propertyBag'),
      },
    },
    // §3.29: at least one of address and artifactLocation.
    physicalLocation: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['address'] }, { required: ['artifactLocation'] }],
      properties: {
        address: anObject,
        artifactLocation: ref('artifactLocation'),
        region: ref('region'),
        contextRegion: ref('region'),
        properties: ref('propertyBag'),
      },
    },
    // §3.30: line/column numbers are 1-based, offsets default to -1.
    region: {
      type: 'object',
      additionalProperties: false,
      properties: {
        startLine: { type: 'integer', minimum: 1 },
        startColumn: { type: 'integer', minimum: 1 },
        endLine: { type: 'integer', minimum: 1 },
        endColumn: { type: 'integer', minimum: 1 },
        charOffset: index,
        charLength: { type: 'integer', minimum: 0 },
        byteOffset: index,
        byteLength: { type: 'integer', minimum: 0 },
        snippet: anObject,
        message: ref('message'),
        sourceLanguage: { type: 'string' },
        properties: ref('propertyBag'),
      },
    },
    // §3.33.
    logicalLocation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        index,
        fullyQualifiedName: { type: 'string' },
        decoratedName: { type: 'string' },
        parentIndex: index,
        kind: { type: 'string' },
        properties: ref('propertyBag'),
      },
    },
    // §3.35.
    suppression: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        guid: ref('guid'),
        kind: { enum: ['inSource', 'external'] },
        status: { enum: ['accepted', 'underReview', 'rejected'] },
        justification: { type: 'string' },
        location: ref('location'),
        properties: ref('propertyBag'),
      },
    },
  },
};
