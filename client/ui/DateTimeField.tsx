import { parseAbsoluteToLocal, type ZonedDateTime } from '@internationalized/date';
import {
  Button as AriaButton,
  Calendar,
  CalendarCell,
  CalendarGrid,
  DateInput,
  DatePicker,
  DateSegment,
  Dialog,
  Group,
  Heading,
  Label,
  Popover,
} from 'react-aria-components';

/** An ISO instant as the picker's value, in the person's own time zone. */
export function zonedFromIso(iso: string): ZonedDateTime {
  return parseAbsoluteToLocal(new Date(iso).toISOString());
}

/** The picker's value as an ISO instant (what the API stores). */
export function isoFromZoned(value: ZonedDateTime): string {
  return value.toDate().toISOString();
}

/**
 * A date and time field (React Aria DatePicker): segments typed or stepped with the arrow keys, a
 * calendar popover, formatted for the language in force (its I18nProvider) in the local time zone;
 * React Aria words the calendar's own buttons in that language.
 */
export function DateTimeField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: ZonedDateTime;
  onChange: (value: ZonedDateTime) => void;
}) {
  return (
    <DatePicker
      className="field"
      value={value}
      onChange={(v) => v && onChange(v)}
      granularity="minute"
      hideTimeZone
    >
      <Label className="field-label">{label}</Label>
      <Group className="field-input date-group">
        <DateInput className="date-input">
          {(segment) => <DateSegment segment={segment} className="date-segment" />}
        </DateInput>
        <AriaButton className="btn btn-quiet btn-sm">
          <span aria-hidden="true">▾</span>
        </AriaButton>
      </Group>
      <Popover className="popover">
        <Dialog className="calendar-dialog">
          <Calendar className="calendar">
            <header className="calendar-header">
              <AriaButton slot="previous" className="btn btn-quiet btn-sm">
                ‹
              </AriaButton>
              <Heading className="calendar-heading" />
              <AriaButton slot="next" className="btn btn-quiet btn-sm">
                ›
              </AriaButton>
            </header>
            <CalendarGrid className="calendar-grid">
              {(date) => <CalendarCell date={date} className="calendar-cell" />}
            </CalendarGrid>
          </Calendar>
        </Dialog>
      </Popover>
    </DatePicker>
  );
}
