/**
 * Nova's API data functions (`POST /nova/context`, `GET /nova/suggestions`, `POST /nova/guidance`).
 * Each takes the transaction of a user request (`withUser`): the SQL functions are security
 * invoker, so RLS decides what Nova sees. No `node:*` imports: edge functions (Deno) call these too.
 */
import { z } from 'zod';
import type { Tx } from '../dataAccess.ts';
import { parse } from '../ledger/tokensApi.ts';
import { toLedgerError } from '../ledger/ledgerErrors.ts';

/** One suggestion Nova derived from state. */
export interface NovaSuggestion {
  /** Stable per subject: `<kind>:<entity id>`. */
  id: string;
  kind: 'budget_low' | 'unowned_tasks' | 'stale_thread';
  entity_type: string;
  entity_id: string;
  severity: 'low' | 'medium' | 'high';
  title: string;
  data: Record<string, unknown>;
}

/** A session's Nova context. */
export interface NovaContext {
  id: string;
  sessionId: string;
  currentSphereId: string | null;
  currentDataspaceId: string | null;
  contextState: Record<string, unknown>;
  suggestions: NovaSuggestion[];
}

export const NovaContextInput = z.strictObject({
  sessionId: z.string().min(1).max(200),
  sphereId: z.uuid().optional(),
  dataspaceId: z.uuid().optional(),
});

type ContextRow = {
  id: string;
  session_id: string;
  current_sphere_id: string | null;
  current_dataspace_id: string | null;
  context_state: Record<string, unknown>;
  active_suggestions: NovaSuggestion[];
};

const toContext = (r: ContextRow): NovaContext => ({
  id: r.id,
  sessionId: r.session_id,
  currentSphereId: r.current_sphere_id,
  currentDataspaceId: r.current_dataspace_id,
  contextState: r.context_state,
  suggestions: r.active_suggestions,
});

/**
 * `POST /nova/context`: sets where the session is (omitted fields keep the current place) and
 * returns the context with freshly derived suggestions (newly shown ones are recorded as 'shown').
 */
export async function refreshNovaContext(
  tx: Tx,
  input: z.input<typeof NovaContextInput>,
): Promise<NovaContext> {
  const i = parse(NovaContextInput, input);
  try {
    const [r] = await tx<ContextRow[]>`
      select id, session_id, current_sphere_id, current_dataspace_id, context_state, active_suggestions
      from public.nova_refresh(${i.sessionId}, ${i.sphereId ?? null}, ${i.dataspaceId ?? null})`;
    return toContext(r!);
  } catch (error) {
    return toLedgerError(error);
  }
}

export const NovaGuidanceInput = z.strictObject({
  contextId: z.uuid(),
  suggestionId: z.string().min(1).max(200),
  action: z.enum(['accepted', 'dismissed']),
});

/** One entry of a context's guidance history. */
export interface NovaGuidance {
  id: string;
  suggestion: NovaSuggestion;
  action: 'shown' | 'accepted' | 'dismissed';
  createdAt: Date;
}

/** `POST /nova/guidance`: the human accepted or dismissed a suggestion of the context. */
export async function recordNovaGuidance(
  tx: Tx,
  input: z.input<typeof NovaGuidanceInput>,
): Promise<NovaGuidance> {
  const i = parse(NovaGuidanceInput, input);
  try {
    const [h] = await tx<
      { id: string; suggestion: NovaSuggestion; action: NovaGuidance['action']; created_at: Date }[]
    >`
      select id, suggestion, action, created_at
      from public.nova_record_guidance(${i.contextId}, ${i.suggestionId}, ${i.action})`;
    return { id: h!.id, suggestion: h!.suggestion, action: h!.action, createdAt: h!.created_at };
  } catch (error) {
    return toLedgerError(error);
  }
}

/** `GET /nova/guidance`: a context's guidance history, oldest first (RLS: own contexts only). */
export async function listNovaGuidance(tx: Tx, contextId: string): Promise<NovaGuidance[]> {
  const id = parse(z.uuid(), contextId);
  const rows = await tx<
    { id: string; suggestion: NovaSuggestion; action: NovaGuidance['action']; created_at: Date }[]
  >`
    select id, suggestion, action, created_at from public.nova_guidance_history
    where context_id = ${id} order by created_at, id`;
  return rows.map((h) => ({ id: h.id, suggestion: h.suggestion, action: h.action, createdAt: h.created_at }));
}
