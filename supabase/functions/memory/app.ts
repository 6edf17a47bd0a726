/**
 * Memory items of the active identity, under the Memory Laws: every item has a source (law 3),
 * the human sees all of them (law 4) and corrects or forgets any (law 5, through the audited SQL
 * functions), agent proposals become memory only when a human commits them (law 7), and expired
 * items are not served (law 9).
 */
import { z } from 'zod';
import type { Claims, DataAccess, Tx } from '../_shared/dataAccess.ts';
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('memory');
crud(fn, {
  path: '',
  table: 'public.memory_items',
  noun: 'memory item',
  tag: 'memory',
  row: r.MemoryItem,
  create: r.MemoryItemCreate,
  update: r.MemoryItemUpdate,
  verbs: ['list', 'get', 'create', 'update'],
  filters: {
    dataspace_id: z.uuid(),
    thread_id: z.uuid(),
    status: z.enum(['proposed', 'committed', 'forgotten']),
  },
  // origin is server-kept (it defaults to 'human'; only the pipeline proposes agent memory)
  serverValues: () => ({ status: 'committed' }),
  visible: (tx) => tx`(t.expires_at is null or t.expires_at > now())`,
  // not `user_id`: a shared item's owner user is not its members' to know
  columns: Object.keys(r.MemoryItem.shape),
});
const COLUMNS = Object.keys(r.MemoryItem.shape);

async function callMemoryFunction(
  db: DataAccess,
  claims: Claims,
  run: (tx: Tx) => Promise<readonly { r: unknown }[]>,
) {
  const rows = await mapped('write', () => db.withUser(claims, run));
  if (!rows[0]) throw new ApiError('not_found', 'memory item not found');
  return rows[0].r;
}

fn.route(
  {
    method: 'post',
    path: '/{id}/correct',
    summary: 'Correct a memory item (audited; the old content is kept only as a hash)',
    tag: 'memory',
    params: IdParam,
    body: r.MemoryCorrect,
    response: { status: 200, schema: r.MemoryItem },
  },
  ({ params, body, caller, db }) =>
    callMemoryFunction(
      db,
      caller.claims,
      (tx) => tx`select to_jsonb(m) as r from public.correct_memory_item(${params.id}, ${body.content}) m`,
    ),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/forget',
    summary: 'Forget a memory item (content removed, audit tombstone kept)',
    tag: 'memory',
    params: IdParam,
    response: { status: 200, schema: r.MemoryItem },
  },
  ({ params, caller, db }) =>
    callMemoryFunction(
      db,
      caller.claims,
      (tx) => tx`select to_jsonb(m) as r from public.forget_memory_item(${params.id}) m`,
    ),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/commit',
    summary: 'Commit a proposed memory item (memory law 7: only a human commits)',
    tag: 'memory',
    params: IdParam,
    response: { status: 200, schema: r.MemoryItem },
    access: 'user',
  },
  ({ params, caller, db }) =>
    callMemoryFunction(db, caller.claims, async (tx) => {
      const rows = await tx<{ r: Record<string, unknown> }[]>`
        with w as (
          update public.memory_items as t set status = 'committed'
          where t.id = ${params.id} and t.status = 'proposed'
          returning ${COLUMNS.map((c) => tx`t.${tx(c)}`).reduce((a, b) => tx`${a}, ${b}`)}
        )
        select to_jsonb(w) as r from w`;
      const item = rows[0]?.r;
      if (item) {
        await tx`insert into public.memory_corrections (identity_id, memory_item_id, kind)
                 values (${item.identity_id as string}, ${params.id}, 'commit')`;
        await tx`select private.audit_self('memory.committed', 'memory_item', ${params.id}, '{}'::jsonb)`;
      }
      return rows;
    }),
);

export default fn;
