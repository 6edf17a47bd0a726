import type {
  ChenuApi,
  ConstructionProject,
  Dataspace,
  Meeting,
  MeetingTask,
  MemoryItem,
  Page,
  Thread,
} from '../api/chenuApi.ts';
import { toUiError, type UiError } from '../i18n/uiError.ts';
import { excerpt } from '../ui/text.ts';
import { BUREAU_SECTIONS, type BureauSection } from './bureauSections.ts';

/** Items shown per section (the count says how many there are). */
export const SECTION_ITEMS = 8;
/** Dataspaces of the sphere read for the sections (the first ones, newest first, archived left out). */
export const MAX_DATASPACES = 25;
/** Meetings whose tasks are read (the sphere's most recent ones). */
export const MAX_TASK_MEETINGS = 25;
/** Page size of every list the bureau reads (one page per list: the count is then a lower bound). */
export const LIST_LIMIT = 100;
/** Requests in flight at once while loading the sections. */
export const CONCURRENCY = 6;

/**
 * One fact about an item, worded by the UI in the language in force (bureauText.ts): people's own
 * words (`text`: a dataspace's or a client's name) as they are, everything else from its value.
 */
export type BureauDetail =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tokens'; readonly used: number; readonly budget: number | null; readonly held: number }
  | { readonly kind: 'taskStatus'; readonly status: MeetingTask['status'] }
  | { readonly kind: 'projectStatus'; readonly status: ConstructionProject['status'] }
  | { readonly kind: 'due'; readonly date: string; readonly overdue: boolean }
  | { readonly kind: 'at'; readonly iso: string }
  | { readonly kind: 'live' }
  | { readonly kind: 'dataspaceKind'; readonly value: Dataspace['kind'] };

/** One line of a section, as both the 2D overlay and the 3D panel show it. */
export interface BureauItem {
  readonly id: string;
  /** People's own words (a thread's title, a note's text). */
  readonly title: string;
  readonly details: readonly BureauDetail[];
}

const text = (value: string): BureauDetail => ({ kind: 'text', text: value });

export interface SectionContent {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** The first SECTION_ITEMS items, in the section's order. */
  readonly items: readonly BureauItem[];
  /** How many items the section has (a lower bound when `more`). */
  readonly total: number;
  /** A list had more pages, or the sphere more dataspaces/meetings, than the bureau reads. */
  readonly more: boolean;
  /** Open tasks (tasks only). */
  readonly open: number | null;
  /** Why the load was refused. */
  readonly error: UiError | null;
  /** The available token balance (dashboard only). */
  readonly balance?: number;
}

export type BureauContent = Record<BureauSection, SectionContent>;

export const IDLE_SECTION: SectionContent = {
  status: 'idle',
  items: [],
  total: 0,
  more: false,
  open: null,
  error: null,
};
const LOADING_SECTION: SectionContent = { ...IDLE_SECTION, status: 'loading' };

export const idleContent = (): BureauContent =>
  Object.fromEntries(BUREAU_SECTIONS.map((s) => [s, IDLE_SECTION])) as BureauContent;
export const loadingContent = (): BureauContent =>
  Object.fromEntries(BUREAU_SECTIONS.map((s) => [s, LOADING_SECTION])) as BureauContent;

const failed = (error: unknown): SectionContent => ({
  ...IDLE_SECTION,
  status: 'error',
  error: toUiError(error),
});

function ready<T>(
  rows: readonly T[],
  item: (row: T) => BureauItem,
  more: boolean,
  open: number | null = null,
): SectionContent {
  return {
    status: 'ready',
    items: rows.slice(0, SECTION_ITEMS).map(item),
    total: rows.length,
    more,
    open,
    error: null,
  };
}

/** Runs `tasks` with at most `limit` in flight; results (settled) in input order. */
async function pooled<T>(tasks: readonly (() => Promise<T>)[], limit: number) {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The rows of every page, or the first refusal. */
function gather<T>(results: readonly PromiseSettledResult<Page<T>>[]): { rows: T[]; more: boolean } {
  const rows: T[] = [];
  let more = false;
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    rows.push(...r.value.data);
    more ||= r.value.next_cursor !== null;
  }
  return { rows, more };
}

const TASK_ORDER: Record<MeetingTask['status'], number> = { in_progress: 0, open: 1, done: 2, cancelled: 3 };
const PROJECT_ORDER: Record<ConstructionProject['status'], number> = {
  in_progress: 0,
  planning: 1,
  lead: 2,
  on_hold: 3,
  completed: 4,
  cancelled: 5,
};
const PROJECT_DATASPACE_KINDS: readonly Dataspace['kind'][] = ['project', 'construction'];

/** Open tasks first (in progress, then open), by due date (none last), then newest. */
export function sortTasks(tasks: readonly MeetingTask[]): MeetingTask[] {
  return [...tasks].sort(
    (a, b) =>
      TASK_ORDER[a.status] - TASK_ORDER[b.status] ||
      (a.due_on ?? '9999').localeCompare(b.due_on ?? '9999') ||
      b.created_at.localeCompare(a.created_at),
  );
}

/** `YYYY-MM-DD` of `at` on this device's calendar (a task's due date is a calendar day). */
export function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** A task's due date, overdue when it is still to do and its day is before `today` (`YYYY-MM-DD`). */
export function taskDue(
  task: Pick<MeetingTask, 'due_on' | 'status'>,
  today: string,
): Extract<BureauDetail, { kind: 'due' }> {
  const date = task.due_on ?? today;
  const open = task.status === 'open' || task.status === 'in_progress';
  return { kind: 'due', date, overdue: open && date < today };
}

/** Upcoming and active meetings: live ones first, then scheduled ones soonest first. */
export function upcomingMeetings(meetings: readonly Meeting[]): Meeting[] {
  return meetings
    .filter((m) => m.status === 'live' || m.status === 'scheduled')
    .sort(
      (a, b) =>
        (a.status === 'live' ? 0 : 1) - (b.status === 'live' ? 0 : 1) ||
        Date.parse(a.scheduled_at) - Date.parse(b.scheduled_at),
    );
}

type Emit = (section: BureauSection, content: SectionContent) => void;

/**
 * Loads the bureau's sections for the active identity in a sphere, through the API (row-level
 * security keeps every list to the identity): each section is emitted as soon as it is known, and a
 * refused list fails only its own section. Bounded: the first MAX_DATASPACES dataspaces, one page of
 * LIST_LIMIT per list, tasks of the MAX_TASK_MEETINGS most recent meetings.
 *
 * - dashboard: the token balance (the counts are the other sections')
 * - notes: committed memory items of kind `note`, newest first
 * - tasks: meeting tasks of the sphere's meetings and the tasks assigned to the identity in any
 *   meeting (another owner's too: a meeting it was invited to), in progress/open first
 * - projects: construction projects, then dataspaces of kind project/construction
 * - threads: open threads, most recently active first, with their token use
 * - meetings: live, then scheduled meetings, soonest first
 */
export async function loadBureauContent(
  api: ChenuApi,
  sphereId: string,
  emit: Emit,
  limit = CONCURRENCY,
  today = localDate(new Date()),
): Promise<void> {
  const balance = api.balance().then(
    (b) =>
      emit('dashboard', {
        ...IDLE_SECTION,
        status: 'ready',
        balance: b.available,
      }),
    (error: unknown) => emit('dashboard', failed(error)),
  );

  let dataspaces: Dataspace[];
  let capped: boolean;
  try {
    const page = await api.dataspaces(sphereId, LIST_LIMIT);
    const live = page.data.filter((d) => d.archived_at === null);
    dataspaces = live.slice(0, MAX_DATASPACES);
    capped = page.next_cursor !== null || live.length > MAX_DATASPACES;
  } catch (error) {
    for (const s of ['notes', 'tasks', 'projects', 'threads', 'meetings'] as const) emit(s, failed(error));
    await balance;
    return;
  }
  const nameOf = new Map(dataspaces.map((d) => [d.id, d.name]));
  const where = (dataspaceId: string) => nameOf.get(dataspaceId) ?? '';

  // one list call per dataspace and section, through one shared pool
  const kinds = ['threads', 'notes', 'projects', 'meetings'] as const;
  const calls = dataspaces.flatMap((d) => [
    () => api.threads(d.id, { status: 'open', limit: LIST_LIMIT }),
    () => api.memory(d.id, undefined, 'committed'),
    () => api.constructionProjects(d.id, LIST_LIMIT),
    () => api.meetings(d.id, LIST_LIMIT),
  ]) as (() => Promise<Page<unknown>>)[];
  const settled = await pooled(calls, limit);
  const part = <T>(k: (typeof kinds)[number]) =>
    settled.filter((_, i) => kinds[i % kinds.length] === k) as PromiseSettledResult<Page<T>>[];

  const section = (s: BureauSection, build: () => SectionContent) => {
    try {
      emit(s, build());
    } catch (error) {
      emit(s, failed(error));
    }
  };

  section('threads', () => {
    const { rows, more } = gather(part<Thread>('threads'));
    rows.sort((a, b) => b.last_activity_at.localeCompare(a.last_activity_at));
    return ready(
      rows,
      (t) => ({
        id: t.id,
        title: t.title,
        details: [
          { kind: 'tokens', used: t.tokens_consumed, budget: t.token_budget, held: t.tokens_reserved },
          text(where(t.dataspace_id)),
        ],
      }),
      more || capped,
    );
  });
  section('notes', () => {
    const { rows, more } = gather(part<MemoryItem>('notes'));
    const notes = rows
      .filter((m) => m.kind === 'note')
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    return ready(
      notes,
      (m) => ({
        id: m.id,
        title: excerpt(m.content, 90),
        details: [text(where(m.dataspace_id)), { kind: 'at', iso: m.created_at }],
      }),
      more || capped,
    );
  });
  section('projects', () => {
    const { rows, more } = gather(part<ConstructionProject>('projects'));
    rows.sort((a, b) => PROJECT_ORDER[a.status] - PROJECT_ORDER[b.status] || a.name.localeCompare(b.name));
    const items: BureauItem[] = [
      ...rows.map((p): BureauItem => ({
        id: p.id,
        title: p.name,
        details: [
          { kind: 'projectStatus', status: p.status },
          text(p.client_name),
          text(where(p.dataspace_id)),
        ],
      })),
      ...dataspaces
        .filter((d) => PROJECT_DATASPACE_KINDS.includes(d.kind))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d): BureauItem => ({
          id: d.id,
          title: d.name,
          details: [{ kind: 'dataspaceKind', value: d.kind }],
        })),
    ];
    return ready(items, (x) => x, more || capped);
  });

  let meetings: Meeting[] = [];
  let meetingsMore = false;
  section('meetings', () => {
    ({ rows: meetings, more: meetingsMore } = gather(part<Meeting>('meetings')));
    return ready(
      upcomingMeetings(meetings),
      (m) => ({
        id: m.id,
        title: m.title,
        details: [
          m.status === 'live' ? { kind: 'live' } : { kind: 'at', iso: m.scheduled_at },
          text(where(m.dataspace_id)),
        ],
      }),
      meetingsMore || capped,
    );
  });

  const meetingFailure = part<Meeting>('meetings').find((r) => r.status === 'rejected');
  if (meetingFailure) emit('tasks', failed(meetingFailure.reason));
  else {
    const recent = [...meetings]
      .sort((a, b) => Date.parse(b.scheduled_at) - Date.parse(a.scheduled_at))
      .slice(0, MAX_TASK_MEETINGS);
    const titleOf = new Map(recent.map((m) => [m.id, m.title]));
    const results = await pooled(
      [...recent.map((m) => () => api.meetingTasks(m.id, LIST_LIMIT)), () => api.assignedTasks(LIST_LIMIT)],
      limit,
    );
    section('tasks', () => {
      const { rows, more } = gather(results);
      // a task of the sphere's own meeting assigned to the identity comes back twice
      const tasks = sortTasks([...new Map(rows.map((t) => [t.id, t])).values()]);
      const open = tasks.filter((t) => t.status === 'open' || t.status === 'in_progress').length;
      return ready(
        tasks,
        (t) => ({
          id: t.id,
          title: t.title,
          details: [
            { kind: 'taskStatus', status: t.status },
            ...(t.due_on ? [taskDue(t, today)] : []),
            ...(titleOf.has(t.meeting_id) ? [text(titleOf.get(t.meeting_id)!)] : []),
          ],
        }),
        more || meetingsMore || capped || meetings.length > MAX_TASK_MEETINGS,
        open,
      );
    });
  }
  await balance;
}

/** What one line of the dashboard says: the balance, or another section's count (when ready). */
export interface DashboardLine {
  readonly id: 'balance' | BureauSection;
  readonly state: 'ready' | 'loading' | 'refused';
  readonly balance?: number;
  readonly total?: number;
  readonly more?: boolean;
  /** Open tasks (tasks only). */
  readonly open?: number | null;
}

/** The dashboard's lines: the token balance (the live one when known) and each other section's count. */
export function dashboardLines(content: BureauContent, liveBalance: number | null): DashboardLine[] {
  const d = content.dashboard;
  const balance = liveBalance ?? d.balance;
  const lines: DashboardLine[] = [
    balance !== undefined
      ? { id: 'balance', state: 'ready', balance }
      : { id: 'balance', state: d.status === 'error' ? 'refused' : 'loading' },
  ];
  for (const s of ['notes', 'tasks', 'projects', 'threads', 'meetings'] as const) {
    const c = content[s];
    lines.push(
      c.status === 'ready'
        ? { id: s, state: 'ready', total: c.total, more: c.more, open: s === 'tasks' ? c.open : null }
        : { id: s, state: c.status === 'error' ? 'refused' : 'loading' },
    );
  }
  return lines;
}

/** What a section shows, for the 2D bureau and the 3D panel alike (worded by bureauText.ts). */
export interface SectionView {
  readonly status: SectionContent['status'];
  readonly items: readonly BureauItem[];
  /** How many are shown of how many (null while loading or refused). */
  readonly count: { readonly shown: number; readonly total: number; readonly more: boolean } | null;
  readonly error: UiError | null;
}

export function sectionView(content: BureauContent, section: BureauSection): SectionView {
  const c = content[section];
  const count =
    c.status === 'ready' && section !== 'dashboard'
      ? { shown: c.items.length, total: c.total, more: c.more }
      : null;
  return { status: c.status, items: c.items, count, error: c.error };
}
