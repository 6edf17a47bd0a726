import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../supabase/functions/_shared/ledger/ledgerErrors.ts';
import {
  listNovaGuidance,
  recordNovaGuidance,
  refreshNovaContext,
} from '../../supabase/functions/_shared/nova/novaApi.ts';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from '../ledger/ledgerRollback.ts';
import type { Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase(2);

const A1_SPHERE = seedId('a1', '0001');
const A1_DATASPACE = seedId('a1', '0003');
const A1_THREAD = seedId('a1', '0004');
const B1_DATASPACE = seedId('b1', '0003');

/** A1's state gets one of each signal: thread budget at 96%, an unowned task, a thread quiet for 20 days. */
async function signals(tx: TransactionSql) {
  await tx`update public.token_budgets set spent = 4800 where scope_type = 'thread' and scope_id = ${A1_THREAD}`;
  await tx`update public.threads set last_activity_at = now() - interval '20 days' where id = ${A1_THREAD}`;
  const [m] = await tx`insert into public.meetings (identity_id, user_id, dataspace_id, title, scheduled_at)
                       values (${SEED.a1}, ${SEED.alice}, ${A1_DATASPACE}, 'Chantier', now()) returning id`;
  const [t] = await tx`insert into public.meeting_tasks (identity_id, meeting_id, title)
                       values (${SEED.a1}, ${m!.id}, 'Commander les armoires') returning id`;
  return { meeting: m!.id as string, task: t!.id as string };
}

const code = (s: Scenario, p: (tx: TransactionSql) => Promise<unknown>) =>
  s.tx.savepoint(p).then(
    () => 'ok',
    (e: unknown) => (e instanceof LedgerError ? e.code : ((e as { code?: string }).code ?? String(e))),
  );

describe('Nova context and suggestions', () => {
  it('derives suggestions from the state of the current place and keeps the guidance history', async () => {
    await inLedgerRollback(sql, async (s) => {
      const { meeting, task } = await signals(s.tx);
      await s.as(asIdentity('a1'));
      const ctx = await refreshNovaContext(s.tx, { sessionId: 'headset-1', dataspaceId: A1_DATASPACE });
      expect(ctx).toMatchObject({ currentSphereId: A1_SPHERE, currentDataspaceId: A1_DATASPACE });
      expect(ctx.suggestions.map((x) => [x.kind, x.entity_id, x.severity])).toEqual([
        [
          'budget_low',
          (await s.tx`select id from public.token_budgets where scope_id = ${A1_THREAD}`)[0]!.id,
          'high',
        ],
        ['unowned_tasks', meeting, 'medium'],
        ['stale_thread', A1_THREAD, 'low'],
      ]);
      expect(ctx.suggestions[1]!.data).toEqual({ task_ids: [task] });
      expect((await listNovaGuidance(s.tx, ctx.id)).map((h) => h.action)).toEqual([
        'shown',
        'shown',
        'shown',
      ]);

      // refreshing again shows the same, without recording them as shown twice
      const again = await refreshNovaContext(s.tx, { sessionId: 'headset-1' });
      expect(again.id).toBe(ctx.id);
      expect(again.currentDataspaceId).toBe(A1_DATASPACE);
      expect(again.suggestions).toHaveLength(3);
      expect(await listNovaGuidance(s.tx, ctx.id)).toHaveLength(3);

      // dismissed: gone from the context and not suggested again; accepted: recorded
      await recordNovaGuidance(s.tx, {
        contextId: ctx.id,
        suggestionId: `stale_thread:${A1_THREAD}`,
        action: 'dismissed',
      });
      await recordNovaGuidance(s.tx, {
        contextId: ctx.id,
        suggestionId: `unowned_tasks:${meeting}`,
        action: 'accepted',
      });
      const after = await refreshNovaContext(s.tx, { sessionId: 'headset-1' });
      expect(after.suggestions.map((x) => x.kind)).toEqual(['budget_low', 'unowned_tasks']);
      expect((await listNovaGuidance(s.tx, ctx.id)).map((h) => h.action)).toEqual([
        'shown',
        'shown',
        'shown',
        'dismissed',
        'accepted',
      ]);

      // the task gets an owner: its suggestion goes away on the next refresh
      await s.asOwner();
      const [p] = await s.tx`insert into public.meeting_participants (identity_id, meeting_id, display_name)
                             values (${SEED.a1}, ${meeting}, 'Alice') returning id`;
      await s.tx`update public.meeting_tasks set assignee_participant_id = ${p!.id} where id = ${task}`;
      await s.as(asIdentity('a1'));
      expect(
        (await refreshNovaContext(s.tx, { sessionId: 'headset-1' })).suggestions.map((x) => x.kind),
      ).toEqual(['budget_low']);
    });
  });

  it("sees only the active identity's state, through RLS", async () => {
    await inLedgerRollback(sql, async (s) => {
      await signals(s.tx);
      // A2 (same user, other identity) has none of A1's signals, only its own (the seed's follow-up
      // meeting has a task nobody owns)
      await s.as(asIdentity('a2'));
      expect(
        (await refreshNovaContext(s.tx, { sessionId: 'desk' })).suggestions.map((x) => [x.kind, x.entity_id]),
      ).toEqual([['unowned_tasks', seedId('a2', '0180', 2)]]);
      expect(
        await code(s, (tx) => refreshNovaContext(tx, { sessionId: 'desk', dataspaceId: A1_DATASPACE })),
      ).toBe('not_found');
      await s.as(asIdentity('a1'));
      expect(
        await code(s, (tx) => refreshNovaContext(tx, { sessionId: 'desk', dataspaceId: B1_DATASPACE })),
      ).toBe('not_found');
      const ctx = await refreshNovaContext(s.tx, { sessionId: 'desk' });
      expect(ctx.suggestions.length).toBeGreaterThan(0);
      // another identity cannot act on, or read the history of, A1's context
      await s.as(asIdentity('b1'));
      expect(
        await code(s, (tx) =>
          recordNovaGuidance(tx, {
            contextId: ctx.id,
            suggestionId: ctx.suggestions[0]!.id,
            action: 'accepted',
          }),
        ),
      ).toBe('not_found');
      expect(await listNovaGuidance(s.tx, ctx.id)).toEqual([]);
      await s.as(ANON);
      expect(await code(s, (tx) => tx`select public.nova_refresh('x')`)).toBe('42501');
    });
  });

  it('refuses bad input with a clear error', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      expect(await code(s, (tx) => refreshNovaContext(tx, { sessionId: '' }))).toBe('validation_failed');
      expect(await code(s, (tx) => refreshNovaContext(tx, { sessionId: 'x', sphereId: 'nope' }))).toBe(
        'validation_failed',
      );
      expect(
        await code(s, (tx) =>
          refreshNovaContext(tx, {
            sessionId: 'x',
            sphereId: seedId('a1', '0001', 2),
            dataspaceId: A1_DATASPACE,
          }),
        ),
      ).toBe('validation_failed');
      const ctx = await refreshNovaContext(s.tx, { sessionId: 'x' });
      expect(
        await code(s, (tx) =>
          recordNovaGuidance(tx, { contextId: ctx.id, suggestionId: 'nothing:1', action: 'accepted' }),
        ),
      ).toBe('not_found');
      expect(
        await code(s, (tx) =>
          recordNovaGuidance(tx, {
            contextId: randomUUID(),
            suggestionId: 'x',
            action: 'shown' as 'accepted',
          }),
        ),
      ).toBe('validation_failed');
    });
  });
});
