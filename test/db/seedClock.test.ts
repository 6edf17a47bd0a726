import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { loadSeed, migrate } from '../../server/db/migrate.ts';
import { withDatabase } from '../helpers/databaseUrl.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { ledgerViolations } from '../ledger/invariants.ts';

// The seed is loaded into a migrated, unseeded database of this file's own, once per clock, each
// time in a transaction that is rolled back.
const admin = connect(inject('databaseUrl'), { max: 1 });
const dbName = `chenu_seedclock_${randomUUID().replaceAll('-', '')}`;
let sql: Sql;

beforeAll(async () => {
  await admin.unsafe(`create database ${dbName}`);
  sql = connect(withDatabase(inject('databaseUrl'), dbName), { max: 1 });
  await migrate(sql, path.resolve('supabase'));
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end({ timeout: 5 });
});

const ROLLBACK = Symbol('rollback');

/** Loads the seed with the clock pinned at `at` (or free when null), runs `fn`, rolls back. */
async function seededAt(at: string | null, fn: (tx: TransactionSql) => Promise<void>) {
  try {
    await sql.begin(async (tx) => {
      if (at) await tx`select set_config('chenu.clock', ${at}, true)`;
      await loadSeed(tx, path.resolve('supabase'));
      await fn(tx);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}

/** Columns the seed writes for things that already happened: none may lie after the seed's clock. */
const PAST = [
  ['messages', 'created_at'],
  ['decisions', 'decided_at'],
  ['meetings', 'started_at'],
  ['meetings', 'ended_at'],
  ['meeting_participants', 'joined_at'],
  ['meeting_participants', 'left_at'],
  ['meeting_notes', 'created_at'],
  ['ocw_sessions', 'started_at'],
  ['ocw_sessions', 'ended_at'],
  ['notifications', 'created_at'],
  ['notifications', 'read_at'],
  ['notification_deliveries', 'delivered_at'],
  ['token_movements', 'created_at'],
  ['token_transactions', 'created_at'],
  ['token_allocations', 'created_at'],
  ['token_reservations', 'created_at'],
  ['token_reservations', 'resolved_at'],
  ['encoded_intents', 'created_at'],
  ['agent_executions', 'started_at'],
  ['agent_executions', 'finished_at'],
  ['scope_locks', 'locked_at'],
  ['scope_locks', 'released_at'],
  ['backstage_contexts', 'created_at'],
  ['oneclick_executions', 'created_at'],
  ['nova_guidance_history', 'created_at'],
  ['api_keys', 'created_at'],
  ['api_keys', 'last_used_at'],
  ['api_keys', 'revoked_at'],
] as const;

// the clock-shift instants, a month start, a leap day, and the real clock
const CLOCKS = [
  '2027-01-31T23:59:30-05:00',
  '2027-02-01T00:00:30-05:00',
  '2027-03-14T03:30:00-04:00',
  '2028-02-29T12:00:00-05:00',
  null,
] as const;

describe('the seed on any day', () => {
  for (const at of CLOCKS) {
    it(`is a coherent demo when loaded at ${at ?? 'the real time'}`, async () => {
      await seededAt(at, async (tx) => {
        const [{ clock, today, monthStart }] = (await tx`
          select private.clock() as clock, (private.clock() at time zone 'America/Montreal')::date::text as today,
                 date_trunc('month', private.clock() at time zone 'America/Montreal') at time zone 'America/Montreal'
                   as "monthStart"`) as unknown as [{ clock: Date; today: string; monthStart: Date }];
        if (at) expect(clock).toEqual(new Date(at));

        // every budget and plan period is the current one, and no project budget has ended
        expect(
          await tx`select id, period from public.token_budgets_now
                   where current_start <> period_start or spent_now <> spent or ended`,
        ).toEqual([]);
        expect(
          await tx`select id from public.user_subscriptions
                   where not (current_period_start <= private.clock() and private.clock() < current_period_end)`,
        ).toEqual([]);
        // the spending history lies inside this month, so the budgets' spent is this period's
        expect(
          await tx`select id from public.token_transactions
                   where created_at < ${monthStart} or created_at > private.clock()`,
        ).toEqual([]);
        expect(await tx`select period_start::text as p from public.plan_grants group by 1`).toEqual([
          { p: today.slice(0, 8) + '01' },
        ]);

        // what happened is past; what is scheduled is ahead
        for (const [table, column] of PAST) {
          const late = await tx`select ${tx(column)} as at from ${tx('public.' + table)}
                                where ${tx(column)} > private.clock()`;
          expect(late, `${table}.${column}`).toEqual([]);
        }
        expect(
          await tx`select id from public.meetings where status = 'scheduled' and scheduled_at <= private.clock()`,
        ).toEqual([]);
        expect(
          await tx`select id from public.rent_payments where paid_on > ${today}::date or period_month > ${today}::date`,
        ).toEqual([]);
        expect(
          await tx`select id from public.tenants where not (lease_start <= ${today}::date and ${today}::date <= lease_end)`,
        ).toEqual([]);
        // the running extraction still holds its tokens
        expect(
          await tx`select id from public.token_reservations where status = 'open' and expires_at <= private.clock()`,
        ).toEqual([]);
        // a believable task list: something overdue and something coming
        const [tasks] = await tx`select count(*) filter (where due_on < ${today}::date)::int as overdue,
                                        count(*) filter (where due_on >= ${today}::date)::int as upcoming
                                 from public.meeting_tasks where status <> 'done'`;
        expect(tasks!.overdue).toBeGreaterThan(0);
        expect(tasks!.upcoming).toBeGreaterThan(0);

        // one story per identity: each with a meeting ahead, every meeting dataspace with meetings,
        // properties in property dataspaces, nothing ended that is still ahead
        expect(
          await tx`select i.id from public.identities i
                   where i.id <> ${SEED.b2}::uuid and not exists (
                     select 1 from public.meetings m where m.identity_id = i.id
                       and m.status = 'scheduled' and m.scheduled_at > private.clock())`,
        ).toEqual([]);
        expect(
          await tx`select d.name from public.dataspaces d where d.kind = 'meeting'
                   and not exists (select 1 from public.meetings m where m.dataspace_id = d.id)`,
        ).toEqual([]);
        expect(
          await tx`select p.name from public.properties p join public.dataspaces d on d.id = p.dataspace_id
                   where d.kind not in ('property', 'project')`,
        ).toEqual([]);
        expect(
          await tx`select id from public.meetings where status = 'ended' and (ended_at is null or scheduled_at > private.clock())`,
        ).toEqual([]);
        // the two people share something: Bob's business is an editor of Alice's triplex, and Bob
        // has invited Alice to view his trip
        expect(
          await tx`select member_identity_id::text as member, role from public.dataspace_members
                   where dataspace_id = ${seedId('a2', '0003')}`,
        ).toEqual([{ member: SEED.b2, role: 'editor' }]);
        expect(
          await tx`select count(*)::int as n from public.invitations
                   where invitee_email = 'alice@chenu.local' and status = 'pending' and expires_at > private.clock()`,
        ).toEqual([{ n: 1 }]);

        // the ledger is sound, and the figures the tokens API shows are this period's
        expect(await ledgerViolations(tx)).toEqual([]);
        const claims = asIdentity('a1');
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        const [ds] = await tx`select spent_now::int, remaining::int from public.token_budgets_now
                              where scope_id = ${seedId('a1', '0003')}`;
        expect(ds).toEqual({ spent_now: 1200, remaining: 48800 });
        // Nova has something to say to Alice, in each of her identities (Nova reads now(), the real
        // clock, so only where the seed was loaded on it)
        if (at) return;
        const [a1] = await tx`select active_suggestions from public.nova_refresh('seed-story')`;
        expect((a1!.active_suggestions as { kind: string }[]).map((x) => x.kind)).toContain('stale_thread');
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(asIdentity('a2'))}, true)`;
        const [a2] = await tx`select active_suggestions from public.nova_refresh('seed-story')`;
        expect((a2!.active_suggestions as { kind: string }[]).map((x) => x.kind)).toEqual(['unowned_tasks']);
      });
    });
  }
});
