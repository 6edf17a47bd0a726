/**
 * THE way a workspace's state changes (AM-012), shared by the `workspaces` API and the realtime
 * workspace room so the rule has one home: each change bumps the version, appends a
 * transformation and records the full state before and after in `workspace_state_history`, and a
 * restore is itself a transformation (history only grows). Runs in the caller's transaction, as
 * the caller (`withUser`): RLS decides who may write.
 *
 * Panel placement is part of the state: a change that moves panels records every panel's layout
 * under `state.panels` (`{ [panelId]: panels.layout }`) and the layout mode under `state.layout`,
 * so restoring a version puts the panels back where they were.
 */
import type { Tx } from './dataAccess.ts';
import { ApiError } from './errors.ts';

/** A workspace change: its kind, its words, and what it sets. */
export interface WorkspaceChange {
  kind: string;
  description: string;
  /** The new state; when absent, the current one (with the panels' layouts refreshed). */
  state?: Record<string, unknown>;
  /** The workspace's layout mode (grid, stack, wall, radial, free); unchanged when absent. */
  layout?: string;
  /** New `panels.layout` values by panel id; each must be a panel of this workspace. */
  panels?: Record<string, unknown>;
}

/** What a transformation returns: the workspace and the transformation rows as JSON. */
export interface TransformOutcome {
  workspace: unknown;
  transformation: unknown;
  version: number;
}

/** The layouts of a workspace's panels, by id. */
async function panelLayouts(tx: Tx, workspaceId: string): Promise<Record<string, unknown>> {
  const rows = await tx<{ id: string; layout: unknown }[]>`
    select id, layout from public.panels where workspace_id = ${workspaceId} order by id`;
  return Object.fromEntries(rows.map((r) => [r.id, r.layout]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies one transformation in the caller's transaction; the workspace row is locked first.
 * `columns` are the workspace columns the answer carries (never `user_id`).
 */
export async function transformWorkspace(
  tx: Tx,
  actorIdentityId: string | null,
  workspaceId: string,
  change: WorkspaceChange,
  columns: readonly string[],
): Promise<TransformOutcome> {
  const [ws] = await tx<{ identity_id: string; version: number; state: unknown; layout: string }[]>`
    select identity_id, version, state, layout from public.workspaces where id = ${workspaceId} for update`;
  if (!ws) throw new ApiError('not_found', 'workspace not found');
  const from = Number(ws.version);
  const current = isObject(ws.state) ? ws.state : {};
  let state = change.state;
  if (change.panels) {
    // the version before keeps where the panels stood, so restoring it moves them back
    const before = { ...current, layout: ws.layout, panels: await panelLayouts(tx, workspaceId) };
    await tx`insert into public.workspace_state_history (identity_id, workspace_id, version, state)
             values (${ws.identity_id}, ${workspaceId}, ${from}, ${tx.json(before as never)})
             on conflict (workspace_id, version) do nothing`;
    for (const [panelId, layout] of Object.entries(change.panels)) {
      const moved = await tx`
        update public.panels set layout = ${tx.json(layout as never)}
        where id = ${panelId} and workspace_id = ${workspaceId}`;
      if (moved.count === 0) throw new ApiError('not_found', `panel ${panelId} is not in this workspace`);
    }
  }
  if (state === undefined) {
    state = { ...current, layout: change.layout ?? ws.layout, panels: await panelLayouts(tx, workspaceId) };
  }
  await tx`insert into public.workspace_state_history (identity_id, workspace_id, version, state)
           values (${ws.identity_id}, ${workspaceId}, ${from}, ${tx.json(current as never)})
           on conflict (workspace_id, version) do nothing`;
  const [tr] = await tx<{ id: string; r: unknown }[]>`
    insert into public.workspace_transformations as t
      (identity_id, workspace_id, kind, description, from_version, to_version, created_by)
    values (${ws.identity_id}, ${workspaceId}, ${change.kind}, ${change.description}, ${from}, ${from + 1},
            ${actorIdentityId})
    returning t.id, to_jsonb(t) as r`;
  await tx`insert into public.workspace_state_history (identity_id, workspace_id, version, state, transformation_id)
           values (${ws.identity_id}, ${workspaceId}, ${from + 1}, ${tx.json(state as never)}, ${tr!.id})`;
  const [updated] = await tx<{ r: unknown }[]>`
    with w as (
    update public.workspaces as t
    set state = ${tx.json(state as never)}, version = ${from + 1},
        layout = coalesce(${change.layout ?? null}, t.layout)
    where t.id = ${workspaceId}
    returning ${columns.map((c) => tx`t.${tx(c)}`).reduce((a, b) => tx`${a}, ${b}`)}
    )
    select to_jsonb(w) as r from w`;
  return { workspace: updated!.r, transformation: tr!.r, version: from + 1 };
}

/**
 * Restores `version` of THIS workspace (a version of another workspace is not found): its state
 * becomes the current one, the panels it placed go back where it placed them (panels added since
 * keep theirs), recorded as a new `restore` transformation.
 */
export async function restoreWorkspace(
  tx: Tx,
  actorIdentityId: string | null,
  workspaceId: string,
  version: number,
  columns: readonly string[],
): Promise<TransformOutcome> {
  const [old] = await tx<{ state: unknown }[]>`
    select state from public.workspace_state_history
    where workspace_id = ${workspaceId} and version = ${version}`;
  if (!old) throw new ApiError('not_found', `workspace version ${version} not found`);
  const state = isObject(old.state) ? old.state : {};
  const placed = isObject(state.panels) ? state.panels : {};
  const existing = await panelLayouts(tx, workspaceId);
  const panels = Object.fromEntries(Object.entries(placed).filter(([id]) => id in existing));
  return transformWorkspace(
    tx,
    actorIdentityId,
    workspaceId,
    {
      kind: 'restore',
      description: `restore of version ${version}`,
      state,
      panels,
      ...(typeof state.layout === 'string' ? { layout: state.layout } : {}),
    },
    columns,
  );
}
