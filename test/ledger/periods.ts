/**
 * Start of the calendar period (day, ISO week from Monday, month) containing `now` in time zone
 * `tz`, computed with Intl only: an implementation independent of the SQL under test.
 */
export function localPeriodStart(now: Date, tz: string, period: 'daily' | 'weekly' | 'monthly'): Date {
  const offset = (instant: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const wall = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return wall - Math.floor(instant / 1000) * 1000;
  };
  const local = new Date(now.getTime() + offset(now.getTime()));
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
  const wallStart =
    period === 'daily'
      ? Date.UTC(y, m, d)
      : period === 'weekly'
        ? Date.UTC(y, m, d - ((local.getUTCDay() + 6) % 7))
        : Date.UTC(y, m, 1);
  // wall clock -> instant: subtract the zone's offset at that instant (twice, across a DST change)
  let instant = wallStart - offset(wallStart);
  instant = wallStart - offset(instant);
  return new Date(instant);
}
