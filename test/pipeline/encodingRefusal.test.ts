/**
 * A plain request the encoder cannot classify (issue 19): the governed pipeline refuses it with
 * phrasings to try, before anything is reserved or debited — no ledger posting, no hold, no execution
 * row, no encoded intent; the refusal itself is audited. Against the seeded database.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import type { PipelineDeps } from '../../supabase/functions/_shared/pipeline/types.ts';
import { INTENT_EXAMPLES } from '../../shared/pipeline/intentExamples.ts';
import { asIdentity, seedId, SEED } from '../helpers/personas.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

const db = useIsolatedDatabase('encoding_refusal');
const A1_THREAD = seedId('a1', '0004');
const SUMMARIZER = 'c0000000-0000-4000-8000-022000000001';

/** What the ledger and the pipeline hold for alice's personal identity, counted. */
async function ledgerOf(identity: string) {
  const [row] = await db.sql()`
    select a.balance::int, a.reserved::int,
           (select count(*)::int from public.token_transactions t where t.account_id = a.id) as postings,
           (select count(*)::int from public.token_reservations r where r.identity_id = a.identity_id) as holds,
           (select count(*)::int from public.agent_executions e where e.identity_id = a.identity_id) as runs,
           (select count(*)::int from public.encoded_intents i where i.identity_id = a.identity_id) as intents,
           (select count(*)::int from public.audit_log l where l.identity_id = a.identity_id
              and l.action = 'pipeline.refused') as refusals
    from public.token_accounts a where a.identity_id = ${identity}`;
  return row as {
    balance: number;
    reserved: number;
    postings: number;
    holds: number;
    runs: number;
    intents: number;
    refusals: number;
  };
}

describe('an intent the encoder cannot classify', () => {
  it('is refused with phrasings to try and costs nothing: no posting, no hold, no run', async () => {
    const deps: PipelineDeps = { data: db.data(), providers: { builtin: createBuiltinProvider() } };
    const before = await ledgerOf(SEED.a1);
    expect(before.balance).toBeGreaterThan(0);
    const r = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'Bonjour, il fait beau aujourd’hui sur la terrasse',
      threadId: A1_THREAD,
      agentId: SUMMARIZER,
      idempotencyKey: 'encoding-refusal-1',
    });
    expect(r).toMatchObject({ ok: false, code: 'encoding_rejected', scope: { type: 'request' } });
    if (r.ok) return;
    // the chosen agent summarizes: the one phrasing it can act on, in the intent's language
    expect(r.suggestions).toEqual([INTENT_EXAMPLES.summarize_thread!.fr]);
    expect(r.executionId).toBeUndefined();
    const after = await ledgerOf(SEED.a1);
    expect(after).toEqual({ ...before, refusals: before.refusals + 1 });

    // the same request without an agent: every task the profile reads is suggested
    const open = await runGovernedExecution(deps, asIdentity('a1'), {
      intentText: 'Hello there, how is everyone doing on this project today?',
      threadId: A1_THREAD,
      idempotencyKey: 'encoding-refusal-2',
    });
    expect(open).toMatchObject({ ok: false, code: 'encoding_rejected' });
    if (open.ok) return;
    expect(open.suggestions).toContain(INTENT_EXAMPLES.summarize_thread!.en);
    expect(open.suggestions!.length).toBeGreaterThan(1);
    const end = await ledgerOf(SEED.a1);
    expect({ ...end, refusals: 0 }).toEqual({ ...before, refusals: 0 });
  });
});
