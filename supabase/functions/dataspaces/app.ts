/**
 * DataSpaces: the universal container of threads, workspaces, memory, meetings and files, and how
 * one is shared (issue 14): its members, the invitations to it and its share links. Every answer
 * about a dataspace carries `my_role`, the active identity's role there (owner, host, editor,
 * participant, viewer; null under an elevation); `?shared=true` lists the dataspaces shared with the
 * active identity. Membership changes go through the sharing functions of the database
 * (private.add_member & co.), which check the actor's role and audit on the chains concerned.
 */
import { z } from 'zod';
import type { ISql } from 'postgres';
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import { Dataspace, DataspaceCreate, DataspaceUpdate } from '../../../shared/api/resources.ts';
import * as s from '../../../shared/api/sharing.ts';
import * as t from '../../../shared/api/tables.generated.ts';
import type { Tx } from '../_shared/dataAccess.ts';
import {
  assertReferencesVisible,
  decodeCursor,
  insertRow,
  mapped,
  pageFrom,
  updateRow,
} from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

type Sql = ISql;
type Fragment = ReturnType<Sql>;

const fn = new EdgeFunction('dataspaces');
const TAG = 'dataspaces';
/** The columns a client reads (not `user_id`: which user owns a shared dataspace is the owner's to know). */
const COLUMNS = Object.keys(t.dataspacesRow.shape);
const notFound = () => new ApiError('not_found', 'dataspace not found');

const cols = (sql: Sql, alias: string, names: readonly string[]): Fragment =>
  names.map((c): Fragment => sql`${sql(alias)}.${sql(c)}`).reduce((a, b): Fragment => sql`${a}, ${b}`);
const and = (sql: Sql, parts: Fragment[]): Fragment =>
  parts.reduce((a, b): Fragment => sql`${a} and ${b}`, sql`true` as Fragment);

/**
 * A keyset page (newest first) of `select <columns> from <from> where <conditions>`, the page as
 * JSON built by Postgres; `alias` is the table's alias in `from`.
 */
function keysetPage(
  sql: Sql,
  select: Fragment,
  from: Fragment,
  alias: string,
  conditions: Fragment[],
  query: { cursor?: string; limit: number },
) {
  const parts = [...conditions];
  if (query.cursor) {
    const [created, id] = decodeCursor(query.cursor);
    parts.push(
      sql`(${sql(alias)}.created_at, ${sql(alias)}.id) < (${created}::text::timestamptz, ${id}::uuid)`,
    );
  }
  return sql<{ r: Record<string, unknown> }[]>`
    select row_to_json(p) as r from (
      select ${select} from ${from}
      where ${and(sql, parts)}
      order by ${sql(alias)}.created_at desc, ${sql(alias)}.id desc
      limit ${query.limit + 1}
    ) p
    order by p.created_at desc, p.id desc`;
}

/** One dataspace as the API answers it (with `my_role`), or undefined when RLS hides it. */
async function readDataspace(tx: Tx | Sql, id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await tx<{ r: Record<string, unknown> }[]>`
    select row_to_json(x) as r from (
      select ${cols(tx, 't', COLUMNS)}, private.my_role(t.id) as my_role from public.dataspaces t where t.id = ${id}
    ) x`;
  return row?.r;
}

fn.route(
  {
    method: 'get',
    path: '',
    summary: 'List dataspaces (the active identity’s, or with shared=true those shared with it)',
    tag: TAG,
    query: PageQuery.extend({
      sphere_id: z.uuid().optional(),
      domain_id: z.uuid().optional(),
      identity_id: z.uuid().optional().meta({
        description: 'another identity whose rows an approved elevation opens (default: the active one)',
      }),
      shared: z.enum(['true', 'false']).optional().meta({
        description: 'true: the dataspaces other identities shared with the active one (my_role says how)',
      }),
    }),
    response: { status: 200, schema: pageOf(Dataspace) },
  },
  async ({ query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.userStatement(caller.claims, (sql) => {
        const parts: Fragment[] = [];
        if (query.sphere_id) parts.push(sql`t.sphere_id = ${query.sphere_id}`);
        if (query.domain_id) parts.push(sql`t.domain_id = ${query.domain_id}`);
        if (query.shared === 'true') {
          parts.push(sql`t.id = any ((select private.shared_dataspace_ids(1))::uuid[])`);
        } else {
          parts.push(
            query.identity_id
              ? sql`t.identity_id = ${query.identity_id}::uuid`
              : sql`t.identity_id = (select private.active_identity_id())`,
          );
        }
        return keysetPage(
          sql,
          sql`${cols(sql, 't', COLUMNS)}, private.my_role(t.id) as my_role`,
          sql`public.dataspaces t`,
          't',
          parts,
          query,
        );
      }),
    );
    return pageFrom(rows, query.limit);
  },
);

fn.route(
  {
    method: 'get',
    path: '/{id}',
    summary: 'Get a dataspace',
    tag: TAG,
    params: IdParam,
    response: { status: 200, schema: Dataspace },
  },
  async ({ params, caller, db }) => {
    const row = await mapped('read', () => db.withUser(caller.claims, (tx) => readDataspace(tx, params.id)));
    if (!row) throw notFound();
    return row;
  },
);

fn.route(
  {
    method: 'post',
    path: '',
    summary: 'Create a dataspace',
    tag: TAG,
    body: DataspaceCreate,
    response: { status: 201, schema: Dataspace },
  },
  async ({ body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        // another identity's sphere or domain is answered like one that does not exist
        await assertReferencesVisible(tx, 'public.dataspaces', body as Record<string, unknown>);
        const row = await insertRow(tx, 'public.dataspaces', body as Record<string, unknown>, COLUMNS);
        return readDataspace(tx, row.id as string);
      }),
    ),
);

fn.route(
  {
    method: 'patch',
    path: '/{id}',
    summary: 'Update a dataspace (its owner: rename, move, archive)',
    tag: TAG,
    params: IdParam,
    body: DataspaceUpdate,
    response: { status: 200, schema: Dataspace },
  },
  async ({ params, body, caller, db }) => {
    const row = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        await assertReferencesVisible(tx, 'public.dataspaces', body as Record<string, unknown>);
        const updated = await updateRow(
          tx,
          'public.dataspaces',
          body as Record<string, unknown>,
          [tx`t.id = ${params.id}`],
          COLUMNS,
        );
        return updated ? readDataspace(tx, params.id) : undefined;
      }),
    );
    if (!row) throw notFound();
    return row;
  },
);

fn.route(
  {
    method: 'delete',
    path: '/{id}',
    summary: 'Delete a dataspace (its owner)',
    tag: TAG,
    params: IdParam,
    response: { status: 204 },
  },
  async ({ params, caller, db }) => {
    const rows = await mapped('delete', () =>
      db.withUser(
        caller.claims,
        (tx) => tx`delete from public.dataspaces t where t.id = ${params.id} returning t.id`,
      ),
    );
    if (rows.length === 0) throw notFound();
    return null;
  },
);

// members ------------------------------------------------------------------------------------------

fn.route(
  {
    method: 'get',
    path: '/{id}/members',
    summary: 'List the people of a dataspace: its owner, then its members with their roles',
    tag: TAG,
    params: IdParam,
    response: { status: 200, schema: s.MemberList },
  },
  async ({ params, caller, db }) => {
    const rows = await mapped('read', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ r: unknown }[]>`
        select to_jsonb(m) as r from private.list_members(${params.id}) m`,
      ),
    );
    return { data: rows.map((x) => x.r) };
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/members',
    summary: 'Add a member the owner already knows, or set its role (host)',
    tag: TAG,
    params: IdParam,
    body: s.MemberAdd,
    response: { status: 201, schema: s.Membership },
    access: 'user',
  },
  async ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: unknown }[]>`
          select to_jsonb(m) as r from private.add_member(${params.id}, ${body.identity_id}, ${body.role}) m`;
        return row!.r;
      }),
    ),
);

/** The membership `member_id` of dataspace `id`: a 404 when it is another dataspace's. */
async function assertMemberOf(tx: Tx, dataspaceId: string, memberId: string): Promise<void> {
  const [row] =
    await tx`select 1 from public.dataspace_members where id = ${memberId} and dataspace_id = ${dataspaceId}`;
  if (!row) throw new ApiError('not_found', 'member not found');
}

fn.route(
  {
    method: 'patch',
    path: '/{id}/members/{member_id}',
    summary: 'Change a member’s role (host)',
    tag: TAG,
    params: s.MemberParams,
    body: s.MemberUpdate,
    response: { status: 200, schema: s.Membership },
    access: 'user',
  },
  async ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        await assertMemberOf(tx, params.id, params.member_id);
        const [row] = await tx<{ r: unknown }[]>`
          select to_jsonb(m) as r from private.change_member_role(${params.member_id}, ${body.role}) m`;
        return row!.r;
      }),
    ),
);

fn.route(
  {
    method: 'delete',
    path: '/{id}/members/{member_id}',
    summary: 'Remove a member (host), or leave (the member itself); effective at once',
    tag: TAG,
    params: s.MemberParams,
    response: { status: 204 },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    await mapped('delete', () =>
      db.withUser(caller.claims, async (tx) => {
        await assertMemberOf(tx, params.id, params.member_id);
        await tx`select private.remove_member(${params.member_id})`;
      }),
    );
    return null;
  },
);

// invitations --------------------------------------------------------------------------------------

/** The invitation columns a host reads, with `status` reading `expired` past the expiry. */
const INVITATION_COLUMNS = Object.keys(t.invitationsRow.shape).filter((c) => c !== 'status');
const invitationSelect = (sql: Sql): Fragment =>
  sql`${cols(sql, 'i', INVITATION_COLUMNS)},
      case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end as status`;

fn.route(
  {
    method: 'get',
    path: '/{id}/invitations',
    summary: 'List the invitations to a dataspace and its meetings (hosts; an inviter sees theirs)',
    tag: TAG,
    params: IdParam,
    query: PageQuery,
    response: { status: 200, schema: pageOf(s.Invitation) },
  },
  async ({ params, query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        if (!(await readDataspace(tx, params.id))) throw notFound();
        return keysetPage(
          tx,
          invitationSelect(tx),
          tx`public.invitations i`,
          'i',
          [tx`i.dataspace_id = ${params.id}`],
          query,
        );
      }),
    );
    return pageFrom(rows, query.limit);
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/invitations',
    summary: 'Invite someone by e-mail with a role (host); answered alike whether the address has an account',
    tag: TAG,
    params: IdParam,
    body: s.InvitationCreate,
    response: { status: 201, schema: s.Invitation },
    access: 'user',
    // at most sharing_limits() an hour per user
    errors: ['rate_limited'],
  },
  async ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [created] = await tx<{ id: string }[]>`
          select id from private.invite(${params.id}, null, ${body.email}, ${body.role},
                                        make_interval(hours => ${body.expires_in_hours}))`;
        const [row] = await tx<{ r: unknown }[]>`
          select row_to_json(x) as r from (select ${invitationSelect(tx)} from public.invitations i
                                           where i.id = ${created!.id}) x`;
        return row!.r;
      }),
    ),
);

// share links --------------------------------------------------------------------------------------

const LINK_COLUMNS = Object.keys(t.shareLinksRow.shape);

fn.route(
  {
    method: 'get',
    path: '/{id}/links',
    summary: 'List the share links of a dataspace (hosts; a maker sees theirs)',
    tag: TAG,
    params: IdParam,
    query: PageQuery,
    response: { status: 200, schema: pageOf(s.ShareLink) },
  },
  async ({ params, query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        if (!(await readDataspace(tx, params.id))) throw notFound();
        return keysetPage(
          tx,
          cols(tx, 'l', LINK_COLUMNS),
          tx`public.share_links l`,
          'l',
          [tx`l.dataspace_id = ${params.id}`],
          query,
        );
      }),
    );
    return pageFrom(rows, query.limit);
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/links',
    summary: 'Make a share link (host; editor for a meeting link); the token is shown in this answer only',
    tag: TAG,
    params: IdParam,
    body: s.ShareLinkCreate,
    response: { status: 201, schema: s.ShareLinkCreated },
    access: 'user',
  },
  async ({ params, body, caller, db }) => {
    const made = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: { link: unknown; token: string } }[]>`
          select private.create_share_link(${params.id}, ${body.meeting_id ?? null}, ${body.role},
                                           make_interval(hours => ${body.expires_in_hours}),
                                           ${body.max_uses ?? null}::integer) as r`;
        return row!.r;
      }),
    );
    return { link: made.link, token: made.token, path: s.joinPath(made.token) };
  },
);

export default fn;
