/**
 * axe-core over the WCAG 2.1 A and AA rules in real Chromium, on the other pages in German: start, sign-in (and its
 * errors), the accessibility statement (its form with errors and sent), Impressum, privacy, easy read, sign
 * language, sitemap, 404 and 500.
 * The states are listed in test/helpers/page-states.ts; signed in, reflow, zoom, focus, motion: pages-layout.test.ts.
 */
import { describeAudit } from '../helpers/page-states.ts';

describeAudit('service', 'de');
