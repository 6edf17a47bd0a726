/** OCW (collaborative workspace) sessions: one active session per workspace. */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, mapped, transactionNow, updateRow } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('ocw');
crud(fn, {
  path: '/sessions',
  table: 'public.ocw_sessions',
  noun: 'OCW session',
  tag: 'ocw',
  row: r.OcwSession,
  create: r.OcwSessionCreate,
  update: r.OcwSessionUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { workspace_id: z.uuid(), status: z.enum(['active', 'ended']) },
});

fn.route(
  {
    method: 'post',
    path: '/sessions/{id}/end',
    summary: 'End an OCW session',
    tag: 'ocw',
    params: IdParam,
    response: { status: 200, schema: r.OcwSession },
  },
  async ({ params, caller, db }) => {
    const row = await mapped('write', () =>
      db.withUser(caller.claims, (tx) =>
        transactionNow(tx).then((now) =>
          updateRow(tx, 'public.ocw_sessions', { status: 'ended', ended_at: now }, [
            tx`t.id = ${params.id}`,
            tx`t.status = 'active'`,
          ]),
        ),
      ),
    );
    if (!row) throw new ApiError('not_found', 'no active OCW session with this id');
    return row;
  },
);

export default fn;
