import { fileCataloger, location, makePackage, purl } from '../cataloger.ts';
import { classifierFor, classify } from './classifiers.ts';

export const binaryCatalogerName = 'binary-classifier-cataloger';

/**
 * Recognises runtimes by file name during the pass and reads their version from the bytes. Files
 * an OS package owns are dropped later (the package already identifies them); what remains is
 * software copied in by hand, which would otherwise be invisible.
 */
export const binaryCataloger = fileCataloger(binaryCatalogerName, 'binary', ['binary', 'installed']).byVisitor(
  (entry) => (entry.type === 'file' && entry.size > 0 && classifierFor(entry.path) ? entry.size : undefined),
  (entry, content) => {
    const rule = classifierFor(entry.path);
    const version = rule ? classify(rule, content, entry.path) : undefined;
    if (!rule || !version) return undefined;
    const pkg = makePackage({
      name: rule.package,
      version,
      ecosystem: 'binary',
      type: 'application',
      purl: purl('generic', undefined, rule.package, version),
      locations: [location(entry)],
      foundBy: binaryCatalogerName,
      metadata: { kind: 'binary', classifier: rule.name },
    });
    return { packages: [pkg] };
  },
);
