/**
 * What the "dataspace room with its full UI panels open" bench scene shows, for the product scene
 * (UiRoom.tsx, the real components on the real stores) and the naive one (NaiveUi.tsx) alike: threads
 * with messages and decisions, memory items, workspaces with panels, people in the room with the chat,
 * the dataspace's members and invitations. Fixed content (no clock, no randomness), no API: the stores
 * are filled directly, never loaded.
 */
import type {
  ChenuApi,
  Decision,
  Invitation,
  Member,
  MemoryItem,
  Message,
  Panel,
  Thread,
  Workspace,
} from '../../../client/api/chenuApi.ts';
import type { PeopleState, Person } from '../../../client/people/peopleStore.ts';

const DAY_MS = 86_400_000;
/** Rows are a week old and the invitation has weeks to run whatever day the bench runs on. */
const loadedAt = Date.now();
const AT = new Date(loadedAt - 7 * DAY_MS).toISOString();
const EXPIRES_AT = new Date(loadedAt + 23 * DAY_MS).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const THREADS = 5;
export const MESSAGES_PER_THREAD = 12;
export const MEMORY_ITEMS = 24;
export const WORKSPACES = 3;
export const PANELS_PER_WORKSPACE = 6;
export const PEOPLE = 10;
export const CHAT_LINES = 6;
export const MEMBERS = 6;
export const INVITATIONS = 3;

const row = <T>(value: Record<string, unknown>) => value as unknown as T;

export const threads: Thread[] = Array.from({ length: THREADS }, (_, i) =>
  row<Thread>({
    id: id(100 + i),
    title: `Fil ${i + 1} : armoires, plomberie et devis`,
    status: 'open',
    tokens_consumed: 1200 + i * 100,
    tokens_reserved: 0,
    token_budget: 5000,
    created_at: AT,
    updated_at: AT,
    last_activity_at: AT,
  }),
);

export const messages: Record<string, Message[]> = Object.fromEntries(
  threads.map((t, ti) => [
    t.id,
    Array.from({ length: MESSAGES_PER_THREAD }, (_, i) =>
      row<Message>({
        id: id(1000 + ti * 100 + i),
        thread_id: t.id,
        body: `Message ${i + 1} du fil ${ti + 1} : mesures du mur, choix des façades et délai de livraison.`,
        author_kind: i % 4 === 3 ? 'agent' : 'human',
        created_at: AT,
      }),
    ),
  ]),
);

export const decisions: Record<string, Decision[]> = Object.fromEntries(
  threads.map((t, ti) => [
    t.id,
    [0, 1].map((i) =>
      row<Decision>({ id: id(5000 + ti * 10 + i), title: `Décision ${i + 1}`, created_at: AT }),
    ),
  ]),
);

export const memory: MemoryItem[] = Array.from({ length: MEMORY_ITEMS }, (_, i) =>
  row<MemoryItem>({
    id: id(6000 + i),
    kind: (['note', 'fact', 'preference', 'decision'] as const)[i % 4],
    source_type: 'user',
    status: 'active',
    content: `Souvenir ${i + 1} : la cuisine mesure 3,2 m sur 4,1 m.`,
    created_at: AT,
    updated_at: AT,
  }),
);

export const workspaces = Array.from({ length: WORKSPACES }, (_, w) => ({
  workspace: row<Workspace>({
    id: id(7000 + w),
    name: `Espace ${w + 1}`,
    layout: (['grid', 'wall', 'stack'] as const)[w],
    version: 3,
    created_at: AT,
    updated_at: AT,
  }),
  panels: Array.from({ length: PANELS_PER_WORKSPACE }, (_, p) =>
    row<Panel>({
      id: id(7100 + w * 10 + p),
      workspace_id: id(7000 + w),
      // a kind the database accepts (panels_kind_check): 'notes', as the product writes it
      kind: 'notes',
      title: `Panneau ${p + 1}`,
      content: { text: 'Liste des tâches du chantier' },
      position: p,
      layout: {},
      created_at: AT,
      updated_at: AT,
    }),
  ),
  error: null,
}));

const people: Person[] = Array.from({ length: PEOPLE }, (_, i) => ({
  identityId: id(8000 + i),
  sessionId: `s${i}`,
  name: i === 0 ? 'Alice' : `Invité ${i}`,
  color: ['#4f8cff', '#e5484d', '#30a46c', '#f5a524'][i % 4]!,
  role: i === 0 ? 'host' : i < 3 ? 'moderator' : 'participant',
  access: i === 0 ? 'owner' : 'participant',
  mode: i % 3 === 0 ? 'vr' : 'desktop',
  devices: 1,
  muted: i === 4,
  speaking: i === 2,
  away: false,
  self: i === 0,
}));

export const peopleState: PeopleState = {
  people,
  myRole: 'host',
  myAccess: 'owner',
  chat: Array.from({ length: CHAT_LINES }, (_, i) => ({
    key: `${i}`,
    identityId: people[i % PEOPLE]!.identityId,
    name: people[i % PEOPLE]!.name,
    text: `Ligne de discussion ${i + 1} : on se retrouve devant le mur nord.`,
    at: i,
    mine: i % PEOPLE === 0,
  })),
  chatError: null,
  locked: false,
};

export const members: Member[] = Array.from({ length: MEMBERS }, (_, i) =>
  row<Member>({
    membership_id: i === 0 ? null : id(9000 + i),
    identity_id: id(8000 + i),
    name: people[i]!.name,
    color: people[i]!.color,
    kind: 'personal',
    role: i === 0 ? 'owner' : 'participant',
    via_link: false,
    created_at: AT,
    updated_at: AT,
  }),
);

export const invitations: Invitation[] = Array.from({ length: INVITATIONS }, (_, i) =>
  row<Invitation>({
    id: id(9500 + i),
    invitee_email: `invite${i + 1}@exemple.test`,
    role: 'viewer',
    status: 'pending',
    meeting_id: null,
    expires_at: EXPIRES_AT,
    created_at: AT,
  }),
);

/** The stores are filled directly; a call to the API would be a bug of the bench scene. */
export const noApi = new Proxy({} as ChenuApi, {
  get(_target, name) {
    return () => Promise.reject(new Error(`bench:client: the UI scene called the API (${String(name)})`));
  },
});
