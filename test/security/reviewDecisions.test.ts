/**
 * Door: deciding a run held for human review (private.review_execution / pending_reviews, API
 * `/agents/reviews`, `/agents/executions/{id}/approve|reject`). Tried as the runner itself (even
 * when the runner is a reviewer), as a signed-in user who is no reviewer, as a reviewer's API key,
 * and twice on the same run: only a reviewer who is not the runner decides, once, and the others
 * learn nothing (their answer is the one for an id that exists nowhere).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runGovernedExecution } from '../../supabase/functions/_shared/pipeline/runGovernedExecution.ts';
import { sqlState } from '../helpers/db.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('review_door');
let held: string;

const decide = (claims: Claims, decision: string, id = held) =>
  sqlState(db.data().withUser(claims, (tx) => tx`select private.review_execution(${id}, ${decision}, null)`));
const pending = (claims: Claims) =>
  db
    .data()
    .withUser(
      claims,
      (tx) => tx<{ execution_id: string }[]>`select execution_id from private.pending_reviews()`,
    );

beforeAll(async () => {
  const r = await runGovernedExecution(
    { data: db.data(), providers: { builtin: createBuiltinProvider() } },
    asIdentity('a1'),
    {
      intentText: 'Prépare une soumission pour les balcons',
      threadId: seedId('a1', '0004'),
      idempotencyKey: 'door-1',
    },
  );
  if (r.ok || r.code !== 'awaiting_review') throw new Error(`expected a held run: ${JSON.stringify(r)}`);
  held = r.executionId!;
});

describe('review decisions', () => {
  it('answers a signed-in user who is no reviewer as for a run that does not exist, and lists nothing', async () => {
    expect(await sqlState(pending(asIdentity('b1')))).toBe('42501');
    // the same answer for the held run and for an id that exists nowhere: no oracle of other people's runs
    expect(await decide(asIdentity('b1'), 'approve')).toBe('P0002');
    expect(await decide(asIdentity('b2'), 'reject')).toBe('P0002');
    expect(await decide(asIdentity('b1'), 'approve', crypto.randomUUID())).toBe('P0002');
  });

  it('refuses the runner, even when the runner is a reviewer, and never lists their own runs', async () => {
    await db.sql()`select private.set_staff_role('alice@chenu.local', 'admin', 'test')`;
    expect(await decide(asIdentity('a1'), 'approve')).toBe('42501');
    expect(await decide(asIdentity('a2'), 'approve')).toBe('42501');
    expect((await pending(asIdentity('a1'))).map((r) => r.execution_id)).not.toContain(held);
    await db.sql()`select private.set_staff_role('alice@chenu.local', null, 'test')`;
  });

  it("refuses a reviewer's API key: staff decide in person", async () => {
    await db.sql()`select private.set_staff_role('bob@chenu.local', 'reviewer', 'test')`;
    const key = { ...asIdentity('b1'), api_key_id: seedId('b1', '0263') } as Claims;
    expect(await decide(key, 'approve')).toBe('P0002');
    expect(await sqlState(pending(key))).toBe('42501');
  });

  it('refuses a made-up decision, an unknown run, and a second decision on the same run', async () => {
    expect(await decide(asIdentity('b1'), 'maybe')).toBe('22023');
    expect(await decide(asIdentity('b1'), 'approve', crypto.randomUUID())).toBe('P0002');
    expect((await pending(asIdentity('b1'))).map((r) => r.execution_id)).toContain(held);
    expect(await decide(asIdentity('b1'), 'reject')).toBe('ok');
    expect(await decide(asIdentity('b1'), 'approve')).toBe('P0002');
    const [row] = await db.sql()`select status from public.agent_executions where id = ${held}`;
    expect(row!.status).toBe('rejected');
  });
});
