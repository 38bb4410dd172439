import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { SgciError, writeFileAtomic } from '../../core/index.ts';
import { openStore } from '../../store/index.ts';
import {
  isOpenVexJustification,
  toCycloneDxVex,
  toOpenVex,
  type VexStatement,
  type VexStatus,
} from '../../vuln/index.ts';
import { collect } from '../flags.ts';
import { writeOut } from '../output.ts';

const statuses: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

function defaultAuthor(): string {
  return process.env.SGCI_VEX_AUTHOR ?? userInfo().username;
}

/** `sgci vex add|list|export`: VEX statements kept in the database and applied by every `sgci vulns`. */
export function registerVex(program: Command): void {
  const vex = program.command('vex').description('author VEX statements and export them as OpenVEX or CycloneDX VEX');
  vex
    .command('add')
    .description('record a statement about one vulnerability in a product (image) or component')
    .requiredOption('--vulnerability <id>', 'CVE, GHSA, DSA … id')
    .option('--alias <id>', 'a further id of the same vulnerability (repeatable)', collect, [])
    .addOption(new Option('--status <status>', 'VEX status').choices([...statuses]).makeOptionMandatory())
    .option(
      '--product <id>',
      'image digest (sha256:…), repository or purl (repeatable); none = any product',
      collect,
      [],
    )
    .option(
      '--subcomponent <purl>',
      'component purl within the product (repeatable); none = the whole product',
      collect,
      [],
    )
    .option('--justification <label>', 'OpenVEX justification (required for not_affected unless --impact is given)')
    .option('--impact <text>', 'impact statement: why the product is not affected')
    .option('--action <text>', 'action statement for affected')
    .option('--author <name>', 'who decided (env SGCI_VEX_AUTHOR, default the user name)')
    .action(async (opts: Record<string, unknown>) => {
      const status = opts.status as VexStatus;
      const justification = opts.justification as string | undefined;
      if (justification && !isOpenVexJustification(justification))
        throw new SgciError(
          'USAGE',
          justification,
          'not an OpenVEX justification (component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist)',
        );
      if (status === 'not_affected' && !justification && !opts.impact)
        throw new SgciError('USAGE', String(opts.vulnerability), 'not_affected needs --justification or --impact');
      const statement: Record<string, unknown> = {
        vulnerability: { id: opts.vulnerability, aliases: [...((opts.alias as string[]) ?? [])].sort() },
        products: [...((opts.product as string[]) ?? [])].sort(),
        subcomponents: [...((opts.subcomponent as string[]) ?? [])].sort(),
        status,
        author: (opts.author as string | undefined) ?? defaultAuthor(),
        timestamp: new Date().toISOString(),
        document: 'store',
        format: 'store',
      };
      if (justification) statement.justification = justification;
      if (opts.impact) statement.impactStatement = opts.impact;
      if (opts.action) statement.actionStatement = opts.action;
      await using store = await openStore();
      const id = await store.vex.add(statement as unknown as VexStatement);
      await writeOut(`added VEX statement ${id}: ${opts.vulnerability} ${status}\n`);
    });
  vex
    .command('list')
    .description('list the statements in the database')
    .option('--vulnerability <id>', 'only statements about this id')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { vulnerability?: string; output: string }) => {
      await using store = await openStore();
      const statements = await store.vex.list(opts.vulnerability ? { vulnerability: opts.vulnerability } : {});
      if (opts.output === 'json') {
        await writeOut(`${JSON.stringify(statements, null, 2)}\n`);
        return;
      }
      const lines = statements.map(
        (s) =>
          `${s.id ?? ''}  ${s.vulnerability.id}  ${s.status}${s.justification ? ` (${s.justification})` : ''}  products: ${s.products.join(',') || '*'}  subcomponents: ${s.subcomponents.join(',') || '*'}  by ${s.author ?? '?'} at ${s.timestamp ?? '?'}`,
      );
      await writeOut(lines.length > 0 ? `${lines.join('\n')}\n` : 'no VEX statements\n');
    });
  vex
    .command('export')
    .description('write the statements as one OpenVEX 0.2 or CycloneDX 1.6 VEX document')
    .addOption(
      new Option('-f, --format <format>', 'document format').choices(['openvex', 'cyclonedx']).default('openvex'),
    )
    .option('--author <name>', 'document author', defaultAuthor())
    .option('--output-file <file>', 'write to this file (atomically) instead of stdout')
    .action(async (opts: { format: string; author: string; outputFile?: string }) => {
      await using store = await openStore();
      const statements = await store.vex.list();
      const timestamp = new Date().toISOString();
      const text =
        opts.format === 'openvex'
          ? toOpenVex(statements, { author: opts.author, timestamp })
          : toCycloneDxVex(statements, { author: opts.author, timestamp, serialNumber: `urn:uuid:${randomUUID()}` });
      if (opts.outputFile) await writeFileAtomic(opts.outputFile, text);
      else await writeOut(text);
    });
}
