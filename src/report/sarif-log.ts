/** A SARIF 2.1.0 log of one or more runs, as every SARIF output of sgci writes it. */
export function sarifLog(runs: readonly Record<string, unknown>[]): string {
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
  return `${JSON.stringify(log, null, 2)}\n`;
}
