/**
 * axe-core over the WCAG 2.1 A and AA rules in real Chromium, on the catalogue's pages in German: the list (empty
 * and filled, no results, form errors, two pages), the image page (newest, older and suspended version) and the
 * version comparison (with and without a form error).
 * The states are listed in test/helpers/page-states.ts; signed in, reflow, zoom, focus, motion: pages-layout.test.ts.
 */
import { describeAudit } from '../helpers/page-states.ts';

describeAudit('catalogue', 'de');
