import type { MonitorRepository, WatchKey } from '../store/index.ts';

/** Alarms of the monitor: conditions a user pinning or pulling the tag must hear about. */
export type AlarmKind = 'tag-moved-back' | 'tag-deleted' | 'pin-vanished' | 'category-drift';

export interface Alarm {
  readonly kind: AlarmKind;
  readonly digest?: string;
  readonly detail: string;
}

/**
 * Raises a standing condition (a deleted tag, a vanished pin) once, not every round: not again while the tag's last
 * alarm of that kind names the same digest. Returns whether it was raised.
 */
export async function raiseAlarmOnce(
  monitor: MonitorRepository,
  key: WatchKey,
  alarm: Alarm,
  now: Date,
): Promise<boolean> {
  const last = (await monitor.alarms(key)).filter((a) => a.kind === alarm.kind).at(-1);
  if (last && last.digest === alarm.digest) return false;
  await monitor.raiseAlarm(key, alarm, now);
  return true;
}
