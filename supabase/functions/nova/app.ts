/** Nova, the system intelligence (_shared/nova): a session's context and suggestions, and guidance. */
import { z } from 'zod';
import { pageOf } from '../../../shared/api/common.ts';
import * as g from '../../../shared/api/governed.ts';
import { listNovaGuidance, recordNovaGuidance, refreshNovaContext } from '../_shared/nova/novaApi.ts';
import { assertVisible } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('nova');
const json = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

fn.route(
  {
    method: 'post',
    path: '/context',
    summary: "Refresh a session's Nova context and its suggestions",
    tag: 'nova',
    body: g.NovaContextInput,
    response: { status: 200, schema: g.NovaContext },
  },
  async ({ body, caller, db }) =>
    json(await db.withUser(caller.claims, (tx) => refreshNovaContext(tx, body))),
);

fn.route(
  {
    method: 'post',
    path: '/guidance',
    summary: 'Accept or dismiss a suggestion',
    tag: 'nova',
    body: g.NovaGuidanceInput,
    response: { status: 201, schema: g.NovaGuidance },
  },
  async ({ body, caller, db }) =>
    json(await db.withUser(caller.claims, (tx) => recordNovaGuidance(tx, body))),
);

fn.route(
  {
    method: 'get',
    path: '/contexts/{id}/guidance',
    summary: "A context's guidance history (one page, oldest first)",
    tag: 'nova',
    params: z.object({ id: z.uuid() }),
    response: { status: 200, schema: pageOf(g.NovaGuidance) },
  },
  async ({ params, caller, db }) =>
    json({
      data: await db.withUser(caller.claims, async (tx) => {
        await assertVisible(tx, 'public.nova_contexts', params.id, 'params.id');
        return listNovaGuidance(tx, params.id);
      }),
      next_cursor: null,
    }),
);

export default fn;
