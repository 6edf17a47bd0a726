import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  Agent,
  AgentEstimate,
  ChenuApi,
  Dataspace,
  Decision,
  ExecutionAwaitingReview,
  ExecutionSuccess,
  Message,
  NovaContext,
  Thread,
  TokenTransaction,
} from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';
import type { LiveNotification, PresenceSnapshot } from '../net/presenceFeed.ts';

/** A governed action being prepared on a thread: shown before the user confirms it. */
export interface GovernedDraft {
  readonly threadId: string;
  readonly agent: Agent;
  readonly intentText: string;
  /**
   * `POST /agents/{id}/estimate` for this draft: encoded intent, EQS, token cost and whether the
   * balance and budgets would accept it. Null while it loads (or when it failed: see `error`).
   */
  readonly estimate: AgentEstimate | null;
}

/** A settled governed run with what its receipt shows beside the API's answer. */
export interface RunReceipt {
  readonly run: ExecutionSuccess;
  readonly agentName: string;
  /** The task the encoder recognised (the estimate's, else the run's encoding stage). */
  readonly taskType: string;
  readonly intentText: string;
  /** Epoch ms the run settled (the client's clock: shown as "just now", "2 min ago"). */
  readonly at: number;
}

/**
 * What the room's panels show: threads with messages and decisions (create, rename, archive, post),
 * tokens, Nova, notifications, and the governed action being prepared. Shared by the 2D dock and
 * the 3D panels.
 */
export interface DataspaceState {
  readonly dataspace: Dataspace | null;
  readonly threads: readonly Thread[];
  readonly messages: Readonly<Record<string, readonly Message[]>>;
  readonly decisions: Readonly<Record<string, readonly Decision[]>>;
  readonly openThreadId: string | null;
  readonly agents: readonly Agent[];
  /** Available balance shown by the HUD (API on load, presence room live). */
  readonly balance: number | null;
  readonly transactions: readonly TokenTransaction[];
  readonly nova: NovaContext | null;
  readonly notifications: readonly LiveNotification[];
  readonly draft: GovernedDraft | null;
  readonly lastRun: RunReceipt | null;
  /** The last run when a reviewer must approve it first (its tokens are held meanwhile). */
  readonly held: ExecutionAwaitingReview | null;
  readonly busy: boolean;
  readonly error: UiError | null;
}

export interface DataspaceActions {
  load(dataspace: Dataspace, sessionId: string): Promise<void>;
  /**
   * Reads the dataspace again (its name, and `my_role`, which a host may have just changed): the
   * panels then offer what the new role allows. Access that ended is the room's to say.
   */
  refreshDataspace(): Promise<void>;
  openThread(threadId: string | null): Promise<void>;
  refreshThread(threadId: string): Promise<void>;
  createThread(title: string): Promise<Thread | null>;
  renameThread(threadId: string, title: string): Promise<boolean>;
  /** Archives (`archived`) or reopens (`open`) a thread; an archived open thread is closed. */
  setThreadStatus(threadId: string, status: Thread['status']): Promise<boolean>;
  clearError(): void;
  postMessage(threadId: string, body: string): Promise<boolean>;
  recordDecision(threadId: string, title: string, rationale?: string): Promise<boolean>;
  /** Prepares a run and fetches its estimate (resolves once the estimate is shown). */
  draftAction(threadId: string, agentId: string, intentText: string): Promise<void>;
  cancelDraft(): void;
  confirmDraft(): Promise<ExecutionSuccess | null>;
  /** Withdraws the run held for review (its tokens return). */
  withdrawHeld(): Promise<void>;
  refreshTokens(): Promise<void>;
  applyPresence(snapshot: PresenceSnapshot): void;
}

export type DataspaceStore = StoreApi<DataspaceState> & DataspaceActions;

const initial: DataspaceState = {
  dataspace: null,
  threads: [],
  messages: {},
  decisions: {},
  openThreadId: null,
  agents: [],
  balance: null,
  transactions: [],
  nova: null,
  notifications: [],
  draft: null,
  lastRun: null,
  held: null,
  busy: false,
  error: null,
};

export function createDataspaceStore(api: ChenuApi): DataspaceStore {
  const store = createStore<DataspaceState>()(() => initial);
  const set = (p: Partial<DataspaceState>) => store.setState(p);
  const fail = (error: unknown) => set({ error: toUiError(error) });
  const replaceThread = (row: Thread) =>
    set({ threads: store.getState().threads.map((t) => (t.id === row.id ? row : t)) });
  const titled = (title: string) => {
    const trimmed = title.trim();
    if (!trimmed) throw new UiFailure('title_required');
    return trimmed;
  };

  const actions: DataspaceActions = {
    async load(dataspace, sessionId) {
      set({ ...initial, dataspace, openThreadId: store.getState().openThreadId, busy: true });
      try {
        const [threads, agents] = await Promise.all([api.threads(dataspace.id), api.agents()]);
        // a thread opened while loading (a deep link) stays open; else the first open thread
        const asked = store.getState().openThreadId;
        const first = threads.data.find((t) => t.status === 'open') ?? null;
        const open = asked ?? first?.id ?? null;
        set({ threads: threads.data, agents: agents.data, openThreadId: open });
        if (open) await actions.refreshThread(open);
        await actions.refreshTokens();
        // Nova reads the identity's own places: in a space shared with it (a member), its context
        // stays the identity's own, not the owner's dataspace (which Nova refuses as unknown)
        const place =
          dataspace.my_role === 'owner' ? { sphereId: dataspace.sphere_id, dataspaceId: dataspace.id } : {};
        const nova = await api.novaContext({ sessionId, ...place }).catch((e: unknown) => (fail(e), null));
        set({ nova });
      } catch (error) {
        fail(error);
      } finally {
        set({ busy: false });
      }
    },
    async refreshDataspace() {
      const current = store.getState().dataspace;
      if (!current) return;
      try {
        const fresh = await api.dataspace(current.id);
        if (store.getState().dataspace?.id === fresh.id) set({ dataspace: fresh });
      } catch (error) {
        // removed meanwhile: the room closes on its own and says so; anything else is said here
        if (toUiError(error).code !== 'not_found') fail(error);
      }
    },
    async openThread(threadId) {
      set({ openThreadId: threadId, draft: null });
      if (threadId) await actions.refreshThread(threadId);
    },
    async refreshThread(threadId) {
      try {
        // the thread's row too: a run settled by someone else changed its token use (the thread room's
        // token line), and the room's messages event of that run is what brings us here
        const [m, d, row] = await Promise.all([
          api.messages(threadId),
          api.decisions(threadId),
          api.thread(threadId),
        ]);
        replaceThread(row);
        // newest first from the API; panels read top-down, oldest first
        set({
          messages: { ...store.getState().messages, [threadId]: [...m.data].reverse() },
          decisions: { ...store.getState().decisions, [threadId]: d.data },
        });
      } catch (error) {
        fail(error);
      }
    },
    async createThread(title) {
      const dataspace = store.getState().dataspace;
      try {
        if (!dataspace) throw new UiFailure('not_loaded');
        const row = await api.createThread({ dataspace_id: dataspace.id, title: titled(title) });
        set({ threads: [row, ...store.getState().threads], error: null });
        await actions.openThread(row.id);
        return row;
      } catch (error) {
        fail(error);
        return null;
      }
    },
    async renameThread(threadId, title) {
      try {
        replaceThread(await api.updateThread(threadId, { title: titled(title) }));
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    async setThreadStatus(threadId, status) {
      try {
        replaceThread(await api.updateThread(threadId, { status }));
        if (status === 'archived' && store.getState().openThreadId === threadId) {
          const next = store.getState().threads.find((t) => t.status === 'open');
          await actions.openThread(next?.id ?? null);
        }
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    clearError() {
      set({ error: null });
    },
    async postMessage(threadId, body) {
      try {
        await api.postMessage(threadId, body);
        await actions.refreshThread(threadId);
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    async recordDecision(threadId, title, rationale) {
      try {
        await api.recordDecision(threadId, title, rationale);
        await actions.refreshThread(threadId);
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    async draftAction(threadId, agentId, intentText) {
      const agent = store.getState().agents.find((a) => a.id === agentId);
      if (!agent) return fail(new UiFailure('pick_agent'));
      if (intentText.trim().length === 0) return fail(new UiFailure('intent_required'));
      const draft: GovernedDraft = { threadId, agent, intentText: intentText.trim(), estimate: null };
      set({ draft, error: null });
      try {
        const estimate = await api.estimate(agent.id, { intentText: draft.intentText, threadId });
        // a newer draft (or a cancel) wins over a late answer
        if (store.getState().draft === draft) set({ draft: { ...draft, estimate } });
      } catch (error) {
        if (store.getState().draft === draft) fail(error);
      }
    },
    cancelDraft() {
      set({ draft: null });
    },
    async confirmDraft() {
      const draft = store.getState().draft;
      if (!draft) return null;
      set({ busy: true, error: null });
      try {
        const run = await api.execute(
          draft.agent.id,
          { intentText: draft.intentText, threadId: draft.threadId },
          crypto.randomUUID(),
        );
        if ('status' in run) {
          set({ held: run, draft: null });
          await actions.refreshTokens();
          return null;
        }
        // the run's stages carry the encoder's verdict under `detail`
        // (supabase/functions/_shared/pipeline StageRecord)
        const encoding = run.stages.find((st) => st.stage === 'encoding') as
          { detail?: { task_type?: unknown } } | undefined;
        const staged = encoding?.detail?.task_type;
        const taskType = draft.estimate?.taskType ?? (typeof staged === 'string' ? staged : 'unknown');
        set({
          lastRun: {
            run,
            agentName: draft.agent.name,
            taskType,
            intentText: draft.intentText,
            at: Date.now(),
          },
          held: null,
          draft: null,
        });
        await Promise.all([actions.refreshThread(draft.threadId), actions.refreshTokens()]);
        return run;
      } catch (error) {
        // budget, balance, encoding or compatibility refusals arrive worded by the API
        fail(error);
        return null;
      } finally {
        set({ busy: false });
      }
    },
    async withdrawHeld() {
      const held = store.getState().held;
      if (!held) return;
      try {
        await api.cancelRun(held.executionId);
        set({ held: null });
        await actions.refreshTokens();
      } catch (error) {
        fail(error);
      }
    },
    async refreshTokens() {
      try {
        const [balance, tx, threads] = await Promise.all([
          api.balance(),
          api.transactions(100),
          store.getState().dataspace ? api.threads(store.getState().dataspace!.id) : null,
        ]);
        set({
          balance: balance.available,
          transactions: tx.data,
          ...(threads ? { threads: threads.data } : {}),
        });
      } catch (error) {
        fail(error);
      }
    },
    applyPresence(snapshot) {
      set({ balance: snapshot.balance - snapshot.reserved, notifications: snapshot.notifications });
    },
  };
  return Object.assign(store, actions);
}
