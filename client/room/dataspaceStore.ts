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
import { describeError } from '../app/sessionStore.ts';
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

/** What the room's panels show: threads with messages and decisions, tokens, Nova, notifications. */
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
  readonly lastRun: ExecutionSuccess | null;
  /** The last run when a reviewer must approve it first (its tokens are held meanwhile). */
  readonly held: ExecutionAwaitingReview | null;
  readonly busy: boolean;
  readonly error: string | null;
}

export interface DataspaceActions {
  load(dataspace: Dataspace, sessionId: string): Promise<void>;
  openThread(threadId: string | null): Promise<void>;
  refreshThread(threadId: string): Promise<void>;
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
  const fail = (error: unknown) => set({ error: describeError(error) });

  const actions: DataspaceActions = {
    async load(dataspace, sessionId) {
      set({ ...initial, dataspace, busy: true });
      try {
        const [threads, agents] = await Promise.all([api.threads(dataspace.id), api.agents()]);
        set({ threads: threads.data, agents: agents.data, openThreadId: threads.data[0]?.id ?? null });
        if (threads.data[0]) await actions.refreshThread(threads.data[0].id);
        await actions.refreshTokens();
        const nova = await api
          .novaContext({ sessionId, sphereId: dataspace.sphere_id, dataspaceId: dataspace.id })
          .catch((e: unknown) => (fail(e), null));
        set({ nova });
      } catch (error) {
        fail(error);
      } finally {
        set({ busy: false });
      }
    },
    async openThread(threadId) {
      set({ openThreadId: threadId, draft: null });
      if (threadId) await actions.refreshThread(threadId);
    },
    async refreshThread(threadId) {
      try {
        const [m, d] = await Promise.all([api.messages(threadId), api.decisions(threadId)]);
        // newest first from the API; panels read top-down, oldest first
        set({
          messages: { ...store.getState().messages, [threadId]: [...m.data].reverse() },
          decisions: { ...store.getState().decisions, [threadId]: d.data },
        });
      } catch (error) {
        fail(error);
      }
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
      if (!agent) return fail(new Error('Pick an agent first.'));
      if (intentText.trim().length === 0) return fail(new Error('Say what the agent should do.'));
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
        set({ lastRun: run, held: null, draft: null });
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
