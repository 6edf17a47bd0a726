/**
 * No orphans (issue 20): every foreign key of the public schema either cascades or refuses a
 * delete. `set null` is allowed only where the catalog below says why null is a state the row has
 * anyway; a new foreign key is covered automatically and fails until it cascades, refuses, or is
 * listed here with its reason. Then the thread case the fuzz found: deleting a thread takes its
 * runs, intents, locks and memory with it, and an agent's proposal that lives elsewhere refuses it.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase(1);

/** `table.column` of the foreign keys whose `on delete set null` is intended, with why. */
const SET_NULL_ALLOWED: Record<string, string> = {
  'messages.author_identity_id': 'who wrote it: an identity may go, its words stay in the owner’s thread',
  'meeting_notes.author_identity_id': 'who wrote it',
  'panel_states.author_identity_id': 'who wrote it',
  'spatial_anchors.created_by_identity_id': 'who placed it',
  'workspace_transformations.created_by': 'who changed it',
  'meeting_participants.participant_identity_id':
    'a participant who deleted the identity stays as a former one',
  'user_subscriptions.identity_id': 'a subscription is the user’s; the identity is only its default',
  'meetings.thread_id': 'a link between siblings of one dataspace; the meeting lives in the dataspace',
  'xr_rooms.meeting_id': 'a link between siblings of one dataspace; the room lives in the dataspace',
  'xr_rooms.workspace_id': 'a link between siblings of one dataspace; the room lives in the dataspace',
  'xr_rooms.thread_id': 'a link between siblings of one dataspace; the room lives in the dataspace',
  'decisions.message_id': 'the message it came from; the decision lives in the thread',
  'meeting_tasks.note_id': 'the note it came from; the task lives in the meeting',
  'meeting_tasks.assignee_participant_id': 'null is an unassigned task',
  'messages.agent_execution_id': 'the run that wrote it; the message lives in the thread',
  'nova_contexts.current_dataspace_id': 'what a Nova session looks at now; null is nothing',
  'nova_contexts.current_sphere_id': 'what a Nova session looks at now; null is nothing',
  'xr_avatars.last_room_id': 'where the avatar was last; null is nowhere yet',
  'threads.encoding_profile_id': 'null is the default profile (catalog)',
  // shared spaces (issue 14)
  'agent_executions.runner_identity_id': 'who ran (and paid for) it: the run lives in the owner’s dataspace',
  'dataspace_members.added_by_identity_id': 'who added the member',
  'invitations.invited_by_identity_id': 'who invited',
  'invitations.accepted_identity_id': 'who accepted: the invitation stays in the owner’s trail',
  'share_links.created_by_identity_id': 'who made the link',
  'dataspace_members.via_link_id': 'null is a membership that rests on no link (invited or confirmed)',
  'meeting_participants.via_link_id': 'null is a seat that rests on no link',
};

interface ForeignKey {
  table: string;
  column: string;
  action: string;
}

describe('foreign keys: a delete cascades or is refused', () => {
  it('has no `set null` foreign key beyond the documented ones, and each documented one exists', async () => {
    const fks = await sql<ForeignKey[]>`
      select c.relname as table, k.confdeltype::text as action,
             (select a.attname::text from unnest(k.conkey) u(n)
              join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n
              where a.attname <> 'identity_id' or cardinality(k.conkey) = 1 limit 1) as column
      from pg_constraint k join pg_class c on c.oid = k.conrelid
      where k.contype = 'f' and k.connamespace = 'public'::regnamespace`;
    const setNull = fks
      .filter((f) => f.action === 'n' || f.action === 'd')
      .map((f) => `${f.table}.${f.column}`);
    expect(setNull.filter((k) => !(k in SET_NULL_ALLOWED)).sort(), 'cascade or refuse these').toEqual([]);
    expect(
      Object.keys(SET_NULL_ALLOWED).filter((k) => !setNull.includes(k)),
      'stale entries',
    ).toEqual([]);
    // every other key cascades (c), restricts (r) or refuses at the end of the statement (a)
    expect(fks.every((f) => ['c', 'r', 'a', 'n', 'd'].includes(f.action))).toBe(true);
  });

  it('deletes a thread with its runs, their intents, locks and contexts, and its memory', async () => {
    await inRollback(sql, async (s) => {
      const [run] = await s.tx<{ id: string; thread_id: string; encoded_intent_id: string | null }[]>`
        select id, thread_id, encoded_intent_id from public.agent_executions
        where identity_id = ${SEED.a1} and thread_id is not null limit 1`;
      expect(run, 'a seeded run in a thread').toBeDefined();
      const [thread] = await s.tx<{ dataspace_id: string }[]>`
        select dataspace_id from public.threads where id = ${run!.thread_id}`;
      // the run proposed a memory item of its own thread
      await s.tx`insert into public.memory_items (identity_id, user_id, dataspace_id, thread_id, source_type,
                   source_id, content, status, origin, proposed_by_execution_id)
                 values (${SEED.a1}, ${SEED.alice}, ${thread!.dataspace_id}, ${run!.thread_id}, 'agent_execution',
                   ${run!.id}, 'proposition', 'proposed', 'agent', ${run!.id})`;
      await s.tx`delete from public.threads where id = ${run!.thread_id}`;
      const [left] = await s.tx<{ runs: number; intents: number; locks: number; memory: number }[]>`
        select (select count(*)::int from public.agent_executions where id = ${run!.id}) as runs,
               (select count(*)::int from public.encoded_intents where thread_id = ${run!.thread_id}) as intents,
               (select count(*)::int from public.scope_locks
                where thread_id = ${run!.thread_id} or execution_id = ${run!.id}) as locks,
               (select count(*)::int from public.memory_items
                where thread_id = ${run!.thread_id} or proposed_by_execution_id = ${run!.id}) as memory`;
      expect(left).toEqual({ runs: 0, intents: 0, locks: 0, memory: 0 });
    });
  });

  it('refuses to delete a thread whose run proposed memory that lives elsewhere', async () => {
    await inRollback(sql, async (s) => {
      const [run] = await s.tx<{ id: string; thread_id: string; dataspace_id: string }[]>`
        select id, thread_id, dataspace_id from public.agent_executions
        where identity_id = ${SEED.a1} and thread_id is not null limit 1`;
      await s.tx`insert into public.memory_items (identity_id, user_id, dataspace_id, source_type, source_id,
                   content, status, origin, proposed_by_execution_id)
                 values (${SEED.a1}, ${SEED.alice}, ${run!.dataspace_id}, 'agent_execution', ${run!.id},
                   'proposition du dataspace', 'proposed', 'agent', ${run!.id})`;
      const refused = await s.attempt((tx) => tx`delete from public.threads where id = ${run!.thread_id}`);
      expect(refused.state).toBe('23503');
    });
  });
});
