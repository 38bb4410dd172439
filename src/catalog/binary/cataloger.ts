import type { FileEntry } from '../../oci/types.ts';
import {
  type CatalogContext,
  type Cataloger,
  type CatalogerOutput,
  emptyOutput,
  makePackage,
  purl,
} from '../cataloger.ts';
import type { Package } from '../package.ts';
import { classifierFor, classify } from './classifiers.ts';

export const binaryCatalogerName = 'binary-classifier-cataloger';

/**
 * Recognises runtimes by file name during the pass and reads their version from the bytes. Files
 * an OS package owns are dropped later (the package already identifies them); what remains is
 * software copied in by hand, which would otherwise be invisible.
 */
export const binaryCataloger: Cataloger = {
  name: binaryCatalogerName,
  ecosystem: 'binary',
  tags: ['binary', 'installed'],
  needs() {
    const seen = new Map<string, { file: FileEntry; pkg: Package }>();
    return {
      visitors: [
        {
          name: binaryCatalogerName,
          wants: (entry) =>
            entry.type === 'file' && entry.size > 0 && classifierFor(entry.path) ? entry.size : undefined,
          visit: (entry, content) => {
            const rule = classifierFor(entry.path);
            const version = rule ? classify(rule, content, entry.path) : undefined;
            if (!rule || !version) return;
            seen.set(`${entry.layer}\0${entry.path}`, {
              file: entry,
              pkg: makePackage({
                name: rule.package,
                version,
                ecosystem: 'binary',
                type: 'application',
                purl: purl('generic', undefined, rule.package, version),
                locations: [{ path: entry.path, layer: entry.layer, evidence: 'primary' }],
                foundBy: binaryCatalogerName,
                metadata: { kind: 'binary', classifier: rule.name },
              }),
            });
          },
        },
      ],
      async catalog(ctx: CatalogContext): Promise<CatalogerOutput> {
        const out = emptyOutput();
        for (const { file, pkg } of seen.values())
          if (ctx.fs.get(file.path)?.layer === file.layer) out.packages.push(pkg);
        return out;
      },
    };
  },
};
