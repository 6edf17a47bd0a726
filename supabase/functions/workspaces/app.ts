/**
 * Workspaces of a dataspace: panels and their versioned states, and transformations. A
 * transformation bumps the workspace's version and records the new state in the history, so any
 * earlier version can be restored (a restore is itself a transformation: history only grows).
 */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import type { Caller } from '../_shared/auth.ts';
import { assertVisible, crud, listPage, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';
import { PageQuery, pageOf } from '../../../shared/api/common.ts';
import { restoreWorkspace, transformWorkspace } from '../_shared/workspaceTransform.ts';

const fn = new EdgeFunction('workspaces');
/** The columns a client reads (not `user_id`). */
const WORKSPACE_COLUMNS = Object.keys(r.Workspace.shape);
crud(fn, {
  path: '',
  table: 'public.workspaces',
  noun: 'workspace',
  tag: 'workspaces',
  row: r.Workspace,
  create: r.WorkspaceCreate,
  update: r.WorkspaceUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { dataspace_id: z.uuid() },
  // not `user_id`: a shared workspace's owner user is not its members' to know
  columns: WORKSPACE_COLUMNS,
});
crud(fn, {
  path: '/{workspace_id}/panels',
  table: 'public.panels',
  noun: 'panel',
  tag: 'workspaces',
  row: r.Panel,
  create: r.PanelCreate,
  update: r.PanelUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent: { param: 'workspace_id', column: 'workspace_id' },
});
crud(fn, {
  path: '/{workspace_id}/transformations',
  table: 'public.workspace_transformations',
  noun: 'transformation',
  tag: 'workspaces',
  row: r.WorkspaceTransformation,
  verbs: ['list', 'get'],
  parent: { param: 'workspace_id', column: 'workspace_id' },
});
crud(fn, {
  path: '/{workspace_id}/history',
  table: 'public.workspace_state_history',
  noun: 'workspace state',
  tag: 'workspaces',
  row: r.WorkspaceState,
  verbs: ['list', 'get'],
  parent: { param: 'workspace_id', column: 'workspace_id' },
});

fn.route(
  {
    method: 'post',
    path: '/{id}/transform',
    summary: 'Transform a workspace (new state, version + 1)',
    tag: 'workspaces',
    params: IdParam,
    body: r.WorkspaceTransform,
    response: { status: 201, schema: r.TransformResult },
  },
  ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, (tx) =>
        transformWorkspace(tx, actorOf(caller), params.id, body, WORKSPACE_COLUMNS),
      ),
    ),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/restore',
    summary: 'Restore an earlier version of a workspace (recorded as a new transformation)',
    tag: 'workspaces',
    params: IdParam,
    body: r.WorkspaceRestore,
    response: { status: 201, schema: r.TransformResult },
  },
  ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, (tx) =>
        restoreWorkspace(tx, actorOf(caller), params.id, body.version, WORKSPACE_COLUMNS),
      ),
    ),
);

/** Who a transformation is recorded as made by. */
function actorOf(caller: Caller): string | null {
  return (caller.claims.identity_id as string | undefined) ?? null;
}

const PanelParam = z.object({ panel_id: z.uuid() });

fn.route(
  {
    method: 'get',
    path: '/panels/{panel_id}/states',
    summary: 'List the states of a panel',
    tag: 'workspaces',
    params: PanelParam,
    query: PageQuery,
    response: { status: 200, schema: pageOf(r.PanelState) },
  },
  ({ params, query, caller, db }) =>
    mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        const page = await listPage(tx, 'public.panel_states', [tx`t.panel_id = ${params.panel_id}`], query);
        if (page.data.length === 0)
          await assertVisible(tx, 'public.panels', params.panel_id, 'params.panel_id');
        return page;
      }),
    ),
);

fn.route(
  {
    method: 'post',
    path: '/panels/{panel_id}/states',
    summary: 'Record a new state of a panel (next version)',
    tag: 'workspaces',
    params: PanelParam,
    body: r.PanelStateCreate,
    response: { status: 201, schema: r.PanelState },
  },
  ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [panel] = await tx<{ identity_id: string }[]>`
          select identity_id from public.panels where id = ${params.panel_id} for update`;
        if (!panel) throw new ApiError('not_found', 'panel not found');
        const [row] = await tx<{ r: unknown }[]>`
          insert into public.panel_states as t (identity_id, panel_id, version, state, author_identity_id)
          select ${panel.identity_id}, ${params.panel_id}, coalesce(max(s.version), 0) + 1,
                 ${tx.json(body.state as never)}, ${(caller.claims.identity_id as string) ?? null}
          from public.panel_states s where s.panel_id = ${params.panel_id}
          returning to_jsonb(t) as r`;
        return row!.r;
      }),
    ),
);

export default fn;
