import { type Clock, describe } from '../core/index.ts';
import { type NotificationLang, roundNotification } from './notification.ts';
import type { RoundResult } from './round.ts';
import { type SmtpSettings, sendMail } from './smtp.ts';
import { postWebhook } from './webhook.ts';

export interface NotifyTargets {
  readonly webhooks: readonly string[];
  /** Signs the webhook deliveries (the catalogue's scheme) when set. */
  readonly webhookSecret?: string;
  readonly emails: readonly string[];
  /** Needed when `emails` is not empty. */
  readonly smtp?: SmtpSettings;
  readonly lang: NotificationLang;
}

export interface NotifyOutcome {
  readonly target: string;
  readonly delivered: boolean;
  readonly error?: string;
}

/**
 * Tells every target what the round saw (moves with their SBOM and vulnerability diffs, alarms), once per round and
 * only when something happened. A failed delivery is reported, never retried silently and never undoes the round.
 */
export async function notifyRound(result: RoundResult, targets: NotifyTargets, clock: Clock): Promise<NotifyOutcome[]> {
  const notification = roundNotification(result, targets.lang);
  if (!notification) return [];
  const outcomes: NotifyOutcome[] = [];
  const attempt = async (target: string, send: () => Promise<void>) => {
    try {
      await send();
      outcomes.push({ target, delivered: true });
    } catch (error) {
      outcomes.push({ target, delivered: false, error: describe(error) });
    }
  };
  for (const url of targets.webhooks)
    await attempt(url, () => postWebhook(url, notification, targets.webhookSecret, clock));
  if (targets.emails.length > 0) {
    const smtp = targets.smtp;
    await attempt(`mailto:${targets.emails.join(',')}`, async () => {
      if (!smtp) throw new Error('SGCI_SMTP_URL and SGCI_SMTP_FROM are not set');
      await sendMail(smtp, { to: targets.emails, subject: notification.subject, text: notification.text }, clock);
    });
  }
  return outcomes;
}
