import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { asIdentity, seedId } from '../helpers/personas.ts';
import { loopbackOutbound, startChatServer } from './chatServer.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

const db = useIsolatedDatabase('laws');
let chat: Awaited<ReturnType<typeof startChatServer>>;
let deps: PipelineDeps;
beforeAll(async () => {
  chat = await startChatServer();
  deps = {
    data: db.data(),
    providers: {
      builtin: createBuiltinProvider(),
      openaiCompatible: createOpenAiCompatibleProvider({ baseUrl: chat.baseUrl }, loopbackOutbound()),
    },
  };
});
afterAll(() => chat.close());

const A1 = 'a1000000-0000-4000-8000-000000000000';
const ALICE = 'a0000000-0000-4000-8000-000000000000';
const A1_THREAD = seedId('a1', '0004');
const A1_DATASPACE = seedId('a1', '0003');
const A1_OTHER_DATASPACE = 'a1000000-0000-4000-8000-000300000002';
const SENSITIVE = 'a1000000-0000-4000-8000-000c00000002';
const EXTERNAL = 'c0000000-0000-4000-8000-022000000005';
const ASK = 'Rappelle-moi le bois préféré pour les armoires';

async function addMemory(
  dataspace: string,
  content: string,
  extra: { expires?: string; thread?: string | null } = {},
) {
  const [m] =
    await db.sql()`insert into public.memory_items (identity_id, user_id, dataspace_id, thread_id, source_type, kind, content, expires_at)
    values (${A1}, ${ALICE}, ${dataspace}, ${extra.thread ?? null}, 'user', 'fact', ${content}, ${extra.expires ?? null}::timestamptz) returning id`;
  return m!.id as string;
}

describe('memory law 6: agents read memory only inside the locked scope of the run', () => {
  it('never gives the agent memory from outside the lock, forgotten or expired items', async () => {
    const outside = await addMemory(A1_OTHER_DATASPACE, 'Le bois préféré pour les armoires est le noyer.');
    const expired = await addMemory(A1_DATASPACE, 'Le bois préféré pour les armoires était le pin.', {
      expires: '2000-01-01',
    });
    const forgotten = await addMemory(
      A1_DATASPACE,
      'Armoires en chêne, bois préféré de l’ancien propriétaire.',
    );
    await db.sql()`update public.memory_items set status = 'forgotten', content = '', forgotten_at = now() where id = ${forgotten}`;
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: ASK,
      threadId: A1_THREAD,
      idempotencyKey: 'law6-1',
    });
    expect(r.ok && r.agent.slug).toBe('memory-answerer');
    if (!r.ok) return;
    const sources = r.result.sources as string[];
    expect(sources).toContain('a1000000-0000-4000-8000-000c00000001');
    const [lock] =
      await db.sql()`select memory_item_ids from public.scope_locks where execution_id = ${r.executionId}`;
    const [ctx] =
      await db.sql()`select memory_item_ids from public.backstage_contexts where execution_id = ${r.executionId}`;
    for (const id of [outside, expired, forgotten]) {
      expect(lock!.memory_item_ids).not.toContain(id);
      expect(ctx!.memory_item_ids).not.toContain(id);
      expect(sources).not.toContain(id);
    }
    expect(
      (ctx!.memory_item_ids as string[]).every((id) => (lock!.memory_item_ids as string[]).includes(id)),
    ).toBe(true);
  });

  it('refuses to gather context from a lock that is released', async () => {
    const [lock] =
      await db.sql()`select l.id from public.scope_locks l join public.agent_executions e on e.id = l.execution_id
                                  where e.idempotency_key = 'law6-1'`;
    await expect(
      db.sql()`select private.backstage_gather(${lock!.id}, array['memory'], false)`,
    ).rejects.toMatchObject({ code: '55000' });
  });

  it('does not serve an item committed after the lock was taken', async () => {
    const sql = db.sql();
    const [e] = await sql`select id from public.agent_executions where idempotency_key = 'law6-1'`;
    const [lock] =
      await sql`select private.scope_lock_acquire(${A1}, ${e!.id}, ${A1_THREAD}, ${[A1_DATASPACE]}::uuid[], ${[A1_THREAD]}::uuid[]) as l`;
    const late = await addMemory(A1_DATASPACE, 'Ajout tardif');
    const [ctx] =
      await sql`select private.backstage_gather(${(lock!.l as { id: string }).id}, array['memory'], false) as c`;
    expect((ctx!.c as { memory_item_ids: string[] }).memory_item_ids).not.toContain(late);
    await sql`select private.scope_lock_release(${(lock!.l as { id: string }).id})`;
  });
});

describe('memory law 8: sensitive items are never sent to an external model provider', () => {
  it('refuses an external agent when the scope holds sensitive memory, before any request leaves', async () => {
    chat.setMode({
      kind: 'reply',
      content: 'should not be asked',
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    const sent = chat.requests.length;
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: ASK,
      threadId: A1_THREAD,
      agentId: EXTERNAL,
      idempotencyKey: 'law8-1',
    });
    expect(r).toMatchObject({
      ok: false,
      code: 'no_compatible_agent',
      scope: { type: 'agent', id: EXTERNAL },
    });
    expect(!r.ok && r.message).toMatch(/memory law 8/);
    expect(chat.requests.length).toBe(sent);
  });

  it('withholds sensitive items from an external agent context and audits the withholding', async () => {
    const sql = db.sql();
    const [e] = await sql`select id from public.agent_executions where idempotency_key = 'law6-1'`;
    const [lock] =
      await sql`select private.scope_lock_acquire(${A1}, ${e!.id}, ${A1_THREAD}, ${[A1_DATASPACE]}::uuid[], ${[A1_THREAD]}::uuid[]) as l`;
    const lockId = (lock!.l as { id: string; sensitive_memory_item_ids: string[] }).id;
    expect((lock!.l as { sensitive_memory_item_ids: string[] }).sensitive_memory_item_ids).toEqual([
      SENSITIVE,
    ]);
    const [external] = await sql`select private.backstage_gather(${lockId}, array['memory'], true) as c`;
    const ctx = external!.c as { memory: { id: string; content: string }[]; withheld_sensitive: number };
    expect(ctx.memory.map((m) => m.id)).not.toContain(SENSITIVE);
    expect(JSON.stringify(ctx)).not.toContain('25 000');
    expect(ctx.withheld_sensitive).toBe(1);
    const [builtin] = await sql`select private.backstage_gather(${lockId}, array['memory'], false) as c`;
    expect((builtin!.c as { memory: { id: string }[] }).memory.map((m) => m.id)).toContain(SENSITIVE);
    const audits =
      await sql`select count(*)::int as n from public.audit_log where entity_id = ${lockId} and action = 'memory.withheld_sensitive'`;
    expect(audits[0]!.n).toBe(1);
    await sql`select private.scope_lock_release(${lockId})`;
  });
});

describe('memory law 10: every read and write of memory by an agent is audited', () => {
  it('audits each memory item the agent read and each memory it proposed, naming the run', async () => {
    const sql = db.sql();
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: ASK,
      threadId: A1_THREAD,
      idempotencyKey: 'law10-1',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [ctx] =
      await sql`select memory_item_ids from public.backstage_contexts where execution_id = ${r.executionId}`;
    const read = await sql`select entity_id from public.audit_log where action = 'memory.read_by_agent'
                           and payload ->> 'execution_id' = ${r.executionId} order by entity_id`;
    expect(read.map((a) => a.entity_id)).toEqual([...(ctx!.memory_item_ids as string[])].sort());
    expect(read.length).toBeGreaterThan(0);

    const s = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'Résume le fil',
      threadId: A1_THREAD,
      idempotencyKey: 'law10-2',
    });
    expect(s.ok && s.memoryProposalIds.length).toBe(1);
    if (!s.ok) return;
    const wrote =
      await sql`select entity_id from public.audit_log where action = 'memory.proposed_by_agent' and payload ->> 'execution_id' = ${s.executionId}`;
    expect(wrote.map((a) => a.entity_id)).toEqual(s.memoryProposalIds);
  });
});
