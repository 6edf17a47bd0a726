/**
 * Bureau configuration: section order, visibility and layout per identity × sphere; and the tasks
 * assigned to the active identity in any meeting it has a seat in (its own, or another owner's
 * meeting it was invited to), which the bureau's tasks section shows beside its own meetings' tasks.
 */
import { z } from 'zod';
import { PageQuery, pageOf } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, listStatement, mapped, pageFrom } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('bureau');
crud(fn, {
  path: '/configurations',
  table: 'public.bureau_configurations',
  noun: 'bureau configuration',
  tag: 'bureau',
  row: r.BureauConfiguration,
  create: r.BureauConfigurationCreate,
  update: r.BureauConfigurationUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { sphere_id: z.uuid() },
});

fn.route(
  {
    method: 'get',
    path: '/tasks',
    summary: 'List the meeting tasks assigned to me (newest first), whoever owns the meeting',
    tag: 'bureau',
    query: PageQuery.extend({ status: r.MeetingTask.shape.status.optional() }),
    response: { status: 200, schema: pageOf(r.MeetingTask) },
  },
  async ({ query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.userStatement(caller.claims, (sql) => {
        const parts: Parameters<typeof listStatement>[2] = [
          sql`t.assignee_participant_id = any ((select private.my_participant_ids())::uuid[])`,
        ];
        if (query.status) parts.push(sql`t.status = ${query.status}`);
        return listStatement(sql, 'public.meeting_tasks', parts, query);
      }),
    );
    return pageFrom(rows, query.limit);
  },
);

export default fn;
