import { describe, expect, it } from 'vitest';
import { localDate, taskDue } from '../../../client/bureau/bureauContent.ts';
import { detailText } from '../../../client/bureau/bureauText.ts';
import { formattersFor } from '../../../client/i18n/format.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';

describe('task due dates in the bureau', () => {
  it('flags a task still to do whose day has passed, on the calendar day given, never a done one', () => {
    const today = '2027-03-01';
    expect(taskDue({ due_on: '2027-02-28', status: 'open' }, today).overdue).toBe(true);
    expect(taskDue({ due_on: '2027-02-28', status: 'in_progress' }, today).overdue).toBe(true);
    expect(taskDue({ due_on: '2027-03-01', status: 'open' }, today).overdue).toBe(false);
    expect(taskDue({ due_on: '2027-02-28', status: 'done' }, today).overdue).toBe(false);
    expect(taskDue({ due_on: '2027-02-28', status: 'cancelled' }, today).overdue).toBe(false);
    // across a year boundary and a leap day
    expect(taskDue({ due_on: '2028-12-31', status: 'open' }, '2029-01-01').overdue).toBe(true);
    expect(taskDue({ due_on: '2028-02-29', status: 'open' }, '2028-02-29').overdue).toBe(false);
  });

  it("reads today's date on the device's calendar", () => {
    expect(localDate(new Date(2027, 0, 31, 23, 59))).toBe('2027-01-31');
    expect(localDate(new Date(2028, 1, 29, 0, 1))).toBe('2028-02-29');
  });

  it('says "overdue" in English and "en retard" in French', () => {
    const t = initI18n({ lng: 'en' }).getFixedT('en');
    const late = taskDue({ due_on: '2027-02-27', status: 'open' }, '2027-03-01');
    expect(detailText(late, t, formattersFor('en'))).toBe('overdue since Feb 27, 2027');
    const fr = initI18n().getFixedT('fr');
    expect(detailText(late, fr, formattersFor('fr'))).toMatch(/^en retard depuis le 27 févr\.? 2027$/);
    expect(detailText({ ...late, overdue: false }, t, formattersFor('en'))).toBe('due Feb 27, 2027');
  });
});
