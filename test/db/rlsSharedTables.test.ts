/**
 * Shared spaces (issue 14): RLS per role, generated from the catalog and `private.share_rules` like
 * the per-table suite. Every identity-owned table is either shared by a rule (protect_sharing) or
 * listed in NOT_SHARED with its reason; for each one, as a fresh user Carol (two identities) against
 * Alice's A1 rows:
 * - a member of each role sees exactly the rows its rule opens to that role (its member filter
 *   applied, e.g. never a sensitive memory item), and writes (insert, update, delete) exactly where
 *   the rule's rank for the verb allows; an unshared table shows nothing;
 * - a non-member, a removed member, the member's other identity see nothing;
 * - a link holder sees what a viewer sees, until the link is revoked;
 * - an invitee (a seat in one scheduled meeting) sees that meeting's rows and its thread's only, and
 *   nothing once the meeting has ended; an assignee sees the tasks assigned to it.
 */
import type { JSONValue, TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { classify, publicTables, type PublicTable } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { A1, addMember, dataspacesOf, freshUser, RANK, ROLES, type FreshUser } from '../helpers/sharing.ts';
import { NOT_SHARED } from './tableClasses.ts';

const { sql } = useDatabase();
const all = await publicTables(sql);
const identityTables = all.filter((t) => classify(t) === 'identity');

interface Rule {
  name: string;
  dataspace_expr: string;
  read_rank: number | null;
  insert_rank: number | null;
  update_rank: number | null;
  delete_rank: number | null;
  member_filter: string | null;
  meeting_expr: string | null;
  thread_expr: string | null;
  assignee_read: boolean;
}
const rules = new Map(
  (
    await sql<Rule[]>`
      select c.relname as name, r.dataspace_expr, r.read_rank, r.insert_rank, r.update_rank, r.delete_rank,
             r.member_filter, r.meeting_expr, r.thread_expr, r.assignee_read
      from private.share_rules r join pg_class c on c.oid = r.table_name`
  ).map((r) => [r.name, r]),
);

/** A1's rows of `t` the rule opens to a member (evaluated as the owner: RLS bypassed). */
async function memberRows(s: Scenario, t: PublicTable, rule: Rule, dataspaces: string[]): Promise<number> {
  await s.asOwner();
  const [row] = await s.tx.unsafe<{ n: number }[]>(
    `select count(*)::int as n from public.${t.name}
     where identity_id = $1 and (${rule.dataspace_expr}) = any ($2::uuid[]) and (${rule.member_filter ?? 'true'})`,
    [SEED.a1, dataspaces],
  );
  return row!.n;
}

async function visible(s: Scenario, t: PublicTable): Promise<number> {
  const [row] = await s.tx`select count(*)::int as n from ${s.tx(t.name)} where identity_id = ${SEED.a1}`;
  return row!.n as number;
}

/** One A1 row of `t` as JSON with a fresh id, chosen among those the rule opens to members. */
async function copyOfSharedRow(s: Scenario, t: PublicTable, rule: Rule | undefined) {
  await s.asOwner();
  const [row] = await s.tx.unsafe<{ j: Record<string, unknown> }[]>(
    `select to_jsonb(x) as j from public.${t.name} x
     where identity_id = $1 and (${rule?.member_filter ?? 'true'}) limit 1`,
    [SEED.a1],
  );
  const copy = { ...row!.j };
  if ('id' in copy) copy.id = crypto.randomUUID();
  return copy;
}

function insertCopy(tx: TransactionSql, t: PublicTable, copy: Record<string, unknown>) {
  const cols = tx(t.insertable);
  return tx`insert into ${tx(t.name)} (${cols})
            select ${cols} from jsonb_populate_record(null::${tx(t.name)}, ${tx.json(copy as JSONValue)})`;
}

const ALLOWED_INSERT = ['ok', '23505', '23514', '23503', '23502'];

/** Asserts Carol (acting as `claims`) sees none of A1's rows of `t` and writes none. */
async function seesNothing(s: Scenario, t: PublicTable, carol: FreshUser, identity: string): Promise<void> {
  const copy = t.verbs.insert ? await copyOfSharedRow(s, t, rules.get(t.name)) : null;
  await s.as(carol.as(identity));
  expect(await visible(s, t), `${t.name}: rows seen`).toBe(0);
  const upd = await s.attempt(
    (tx) => tx`update ${tx(t.name)} set identity_id = identity_id where identity_id = ${SEED.a1}`,
  );
  expect(upd.state === '42501' || (upd.value as { count: number }).count === 0).toBe(true);
  const del = await s.attempt((tx) => tx`delete from ${tx(t.name)} where identity_id = ${SEED.a1}`);
  expect(del.state === '42501' || (del.value as { count: number }).count === 0).toBe(true);
  if (copy)
    expect((await s.attempt((tx) => insertCopy(tx, t, copy))).state, `${t.name}: insert`).toBe('42501');
}

describe('shared tables: RLS per role, from the catalog and private.share_rules', () => {
  it('classifies every identity-owned table: shared by a rule, or NOT_SHARED with a reason', () => {
    const unclassified = identityTables.map((t) => t.name).filter((n) => !rules.has(n) && !(n in NOT_SHARED));
    expect(unclassified).toEqual([]);
    expect([...rules.keys()].filter((n) => n in NOT_SHARED)).toEqual([]);
    expect(rules.size).toBeGreaterThanOrEqual(25);
  });

  it('has A1 rows to open in every shared table (so each test below can fail)', async () => {
    await inRollback(sql, async (s) => {
      const dataspaces = await dataspacesOf(s, SEED.a1);
      const empty: string[] = [];
      for (const t of identityTables) {
        const rule = rules.get(t.name);
        if (rule && (await memberRows(s, t, rule, dataspaces)) === 0) empty.push(t.name);
      }
      expect(empty).toEqual([]);
    });
  });

  describe.each(identityTables.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    const rule = rules.get(t.name);

    for (const role of ROLES) {
      it(`a ${role} member sees and writes what the rule gives a ${role}`, async () => {
        await inRollback(sql, async (s) => {
          const carol = await freshUser(s);
          const dataspaces = await dataspacesOf(s, SEED.a1);
          await addMember(s, dataspaces, carol.i1, role);
          if (!rule) {
            await seesNothing(s, t, carol, carol.i1);
            return;
          }
          const rank = RANK[role];
          const opened = await memberRows(s, t, rule, dataspaces);
          const copy = t.verbs.insert && opened > 0 ? await copyOfSharedRow(s, t, rule) : null;
          await s.as(carol.as(carol.i1));
          const readable = rule.read_rank !== null && rank >= rule.read_rank;
          expect(await visible(s, t), `${t.name} read as ${role}`).toBe(readable ? opened : 0);

          const may = (needed: number | null) => needed !== null && rank >= needed && opened > 0;
          if (t.verbs.update) {
            const col = t.writable.update.includes('identity_id') ? 'identity_id' : t.writable.update[0]!;
            const upd = await s.attempt(
              (tx) => tx`update ${tx(t.name)} set ${tx(col)} = ${tx(col)} where identity_id = ${SEED.a1}`,
            );
            const count = upd.state === 'ok' ? (upd.value as { count: number }).count : 0;
            expect(count, `${t.name} update as ${role}`).toBe(may(rule.update_rank) && readable ? opened : 0);
          }
          if (t.verbs.delete) {
            const del = await s.attempt((tx) => tx`delete from ${tx(t.name)} where identity_id = ${SEED.a1}`);
            if (may(rule.delete_rank) && readable) {
              // allowed: every opened row goes, unless a foreign key refuses (RLS let the delete through)
              if (del.state !== '23503')
                expect((del.value as { count: number }).count, `${t.name} delete`).toBe(opened);
            } else {
              expect(
                del.state === '42501' || (del.value as { count: number }).count === 0,
                `${t.name} delete`,
              ).toBe(true);
            }
          }
          if (copy) {
            const ins = await s.attempt((tx) => insertCopy(tx, t, copy));
            if (may(rule.insert_rank))
              expect(ALLOWED_INSERT, `${t.name} insert as ${role}`).toContain(ins.state);
            else expect(ins.state, `${t.name} insert as ${role}`).toBe('42501');
          }
        });
      });
    }

    it('a non-member, a removed member and the member’s other identity see nothing', async () => {
      await inRollback(sql, async (s) => {
        const carol = await freshUser(s);
        const dataspaces = await dataspacesOf(s, SEED.a1);
        await seesNothing(s, t, carol, carol.i1);
        await addMember(s, dataspaces, carol.i1, 'host');
        // cross-identity blocking: the membership is the identity's, not its user's
        await seesNothing(s, t, carol, carol.i2);
        await s.as(A1);
        const memberships = await s.tx<{ id: string }[]>`
          select id from public.dataspace_members where member_identity_id = ${carol.i1}`;
        for (const m of memberships) await s.tx`select private.remove_member(${m.id})`;
        await seesNothing(s, t, carol, carol.i1);
      });
    });

    it('a link holder sees what a viewer sees, until the link is revoked', async () => {
      await inRollback(sql, async (s) => {
        const carol = await freshUser(s);
        const dataspaces = await dataspacesOf(s, SEED.a1);
        const links: string[] = [];
        await s.as(A1);
        const tokens: string[] = [];
        for (const d of dataspaces) {
          const [made] = await s.tx<{ r: { token: string; link: { id: string } } }[]>`
            select private.create_share_link(${d}, null, 'viewer', interval '1 hour') as r`;
          tokens.push(made!.r.token);
          links.push(made!.r.link.id);
        }
        await s.as(carol.as(carol.i1));
        for (const token of tokens) {
          const [r] = await s.tx<{ r: { redeemed: boolean } }[]>`
            select private.redeem_share_link(${token}, ${carol.i1}) as r`;
          expect(r!.r.redeemed).toBe(true);
        }
        const opened = rule && rule.read_rank === 1 ? await memberRows(s, t, rule, dataspaces) : 0;
        await s.as(carol.as(carol.i1));
        expect(await visible(s, t), `${t.name} as a link holder`).toBe(opened);
        await s.as(A1);
        for (const link of links) await s.tx`select private.revoke_share_link(${link})`;
        await seesNothing(s, t, carol, carol.i1);
      });
    });

    it('an invitee sees its meeting’s rows and that meeting’s thread only, while the meeting is on', async () => {
      await inRollback(sql, async (s) => {
        const carol = await freshUser(s);
        await s.asOwner();
        // A1's meeting that has a thread, rescheduled ahead
        const [mt] = await s.tx<{ id: string; thread_id: string }[]>`
          update public.meetings set status = 'scheduled', started_at = null, ended_at = null,
                 scheduled_at = now() + interval '1 day'
          where id = (select id from public.meetings where identity_id = ${SEED.a1} and thread_id is not null
                      order by id limit 1)
          returning id, thread_id`;
        await s.tx`insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
                   values (${SEED.a1}, ${mt!.id}, ${carol.i1}, 'Carol', 'participant')`;
        let expected = 0;
        if (rule && (rule.meeting_expr || rule.thread_expr)) {
          const [row] = await s.tx.unsafe<{ n: number }[]>(
            `select count(*)::int as n from public.${t.name}
             where identity_id = $1 and ((${rule.meeting_expr ?? 'null::uuid'}) = $2 or (${rule.thread_expr ?? 'null::uuid'}) = $3)`,
            [SEED.a1, mt!.id, mt!.thread_id],
          );
          expected = row!.n;
        }
        if (t.name === 'meetings') expect(expected).toBe(1);
        if (t.name === 'threads') expect(expected).toBe(1);
        await s.as(carol.as(carol.i1));
        expect(await visible(s, t), `${t.name} as an invitee`).toBe(expected);
        await seesNothingOf(s, t, carol.i2);
        await s.asOwner();
        await s.tx`update public.meetings set status = 'ended', started_at = now(), ended_at = now() where id = ${mt!.id}`;
        await s.as(carol.as(carol.i1));
        expect(await visible(s, t), `${t.name} once the meeting ended`).toBe(0);

        async function seesNothingOf(sc: Scenario, table: PublicTable, identity: string) {
          await sc.as(carol.as(identity));
          expect(await visible(sc, table)).toBe(0);
        }
      });
    });
  });

  it('an assignee reads the tasks assigned to it, even once the meeting ended, and nothing else of it', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.asOwner();
      const [mt] = await s.tx<{ id: string }[]>`
        select id from public.meetings where identity_id = ${SEED.a1} and status = 'ended' limit 1`;
      const [seat] = await s.tx<{ id: string }[]>`
        insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
        values (${SEED.a1}, ${mt!.id}, ${carol.i1}, 'Carol', 'participant') returning id`;
      const [task] = await s.tx<{ id: string }[]>`
        insert into public.meeting_tasks (identity_id, meeting_id, title, assignee_participant_id)
        values (${SEED.a1}, ${mt!.id}, 'Faire le suivi', ${seat!.id}) returning id`;
      await s.as(carol.as(carol.i1));
      expect((await s.tx`select id from public.meeting_tasks`).map((r) => r.id)).toEqual([task!.id]);
      expect((await s.tx`select id from public.meetings`).length).toBe(0);
      expect((await s.tx`select id from public.meeting_notes`).length).toBe(0);
      // read only: the assignee does not edit the owner's task
      const upd = await s.tx`update public.meeting_tasks set status = 'done' where id = ${task!.id}`;
      expect(upd.count).toBe(0);
      await s.as(carol.as(carol.i2));
      expect((await s.tx`select id from public.meeting_tasks`).length).toBe(0);
    });
  });

  it('an invitee posts in its meeting’s thread and takes notes there, nowhere else; a viewer seat only reads', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.asOwner();
      const [mt] = await s.tx<{ id: string; thread_id: string }[]>`
        update public.meetings set status = 'live', started_at = now(), ended_at = null
        where id = (select id from public.meetings where identity_id = ${SEED.a1} and thread_id is not null
                    order by id limit 1)
        returning id, thread_id`;
      const [other] = await s.tx<{ id: string }[]>`
        select id from public.threads where identity_id = ${SEED.a1} and id <> ${mt!.thread_id} limit 1`;
      const [seat] = await s.tx<{ id: string }[]>`
        insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
        values (${SEED.a1}, ${mt!.id}, ${carol.i1}, 'Carol', 'participant') returning id`;
      await s.as(carol.as(carol.i1));
      const [msg] = await s.tx<{ identity_id: string; author_identity_id: string }[]>`
        insert into public.messages (thread_id, body) values (${mt!.thread_id}, 'Bonjour') returning identity_id, author_identity_id`;
      // the row is the tenant's, the author the invitee
      expect(msg).toEqual({ identity_id: SEED.a1, author_identity_id: carol.i1 });
      await s.tx`insert into public.meeting_notes (meeting_id, body) values (${mt!.id}, 'Note')`;
      if (other) {
        expect(
          (
            await s.attempt(
              (tx) => tx`insert into public.messages (thread_id, body) values (${other.id}, 'x')`,
            )
          ).state,
        ).not.toBe('ok');
      }
      expect(
        (
          await s.attempt(
            (tx) => tx`insert into public.meeting_tasks (meeting_id, title) values (${mt!.id}, 'x')`,
          )
        ).state,
      ).toBe('42501');
      await s.asOwner();
      await s.tx`update public.meeting_participants set role = 'viewer' where id = ${seat!.id}`;
      await s.as(carol.as(carol.i1));
      expect(
        (
          await s.attempt(
            (tx) => tx`insert into public.messages (thread_id, body) values (${mt!.thread_id}, 'x')`,
          )
        ).state,
      ).toBe('42501');
      expect(
        (await s.tx`select id from public.messages where thread_id = ${mt!.thread_id}`).length,
      ).toBeGreaterThan(0);
    });
  });

  it('stamps a member’s writes with the tenant identity and the author with the member', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const dataspaces = await dataspacesOf(s, SEED.a1);
      await addMember(s, dataspaces, carol.i1, 'editor');
      await s.as(carol.as(carol.i1));
      const [th] = await s.tx<{ id: string; identity_id: string }[]>`
        insert into public.threads (dataspace_id, title) values (${dataspaces[0]!}, 'Fil partagé') returning id, identity_id`;
      expect(th!.identity_id).toBe(SEED.a1);
      const [m] = await s.tx<{ identity_id: string; author_identity_id: string }[]>`
        insert into public.messages (thread_id, body) values (${th!.id}, 'Salut') returning identity_id, author_identity_id`;
      expect(m).toEqual({ identity_id: SEED.a1, author_identity_id: carol.i1 });
      // forging the tenant or the author changes nothing
      const [forged] = await s.tx<{ identity_id: string; author_identity_id: string }[]>`
        insert into public.messages (identity_id, thread_id, body, author_identity_id)
        values (${carol.i1}, ${th!.id}, 'Forgé', ${SEED.a1}) returning identity_id, author_identity_id`;
      expect(forged).toEqual({ identity_id: SEED.a1, author_identity_id: carol.i1 });
      // an editor never writes a sensitive memory item (it could not read it back)
      expect(
        (
          await s.attempt(
            (tx) => tx`insert into public.memory_items (dataspace_id, source_type, kind, content, sensitive)
                       values (${dataspaces[0]!}, 'user', 'note', 'secret', true)`,
          )
        ).state,
      ).toBe('42501');
      // the owner's user is not the member's to read
      expect((await s.attempt((tx) => tx`select user_id from public.dataspaces`)).state).toBe('42501');
      // an editor uploads into the shared dataspace: the owner's row, under the owner's path
      const upload = (tx: TransactionSql, id: string) =>
        tx<{ identity_id: string; storage_path: string }[]>`
          select identity_id, storage_path from private.create_file(${id}, ${dataspaces[0]!}, 'plan.pdf',
            'application/pdf', 10, ${'0'.repeat(64)}, 'local')`;
      const fileId = crypto.randomUUID();
      expect((await upload(s.tx, fileId))[0]).toEqual({
        identity_id: SEED.a1,
        storage_path: `${SEED.a1}/${fileId}`,
      });
    });
  });

  it('lets only the owner and editors record an upload into a dataspace: a viewer or a stranger is refused', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const dataspaces = await dataspacesOf(s, SEED.a1);
      const upload = (tx: TransactionSql) =>
        tx`select private.create_file(${crypto.randomUUID()}, ${dataspaces[0]!}, 'x.pdf', 'application/pdf', 1,
                                      ${'0'.repeat(64)}, 'local')`;
      await s.as(carol.as(carol.i1));
      expect((await s.attempt(upload)).state).toBe('23503');
      await addMember(s, dataspaces, carol.i1, 'participant');
      await s.as(carol.as(carol.i1));
      expect((await s.attempt(upload)).state).toBe('23503');
      await s.as(carol.as(carol.i2));
      expect((await s.attempt(upload)).state).toBe('23503');
    });
  });
});
