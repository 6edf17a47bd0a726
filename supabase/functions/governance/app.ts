/**
 * Governance: elevation requests (request → approve/deny by the scope owner → revoke), through
 * the audited SQL functions, scope locks (lock a thread, a dataspace or a run's scope; release;
 * list), and the active identity's audit trail with its chain verification.
 */
import { z } from 'zod';
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import { SeqCursor } from '../../../shared/api/cursor.ts';
import * as p from '../../../shared/api/pipeline.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, decodeCursor, encodeCursor, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('governance');
crud(fn, {
  path: '/elevations',
  table: 'public.elevation_requests',
  owner: 'user',
  noun: 'elevation request',
  tag: 'governance',
  row: r.ElevationRequest,
  verbs: ['list', 'get'],
  filters: { status: z.enum(['pending', 'approved', 'denied', 'revoked']) },
});

fn.route(
  {
    method: 'post',
    path: '/elevations',
    summary: 'Request an elevation to a scope of another identity',
    tag: 'governance',
    body: r.ElevationRequestCreate,
    response: { status: 201, schema: r.ElevationRequest },
    // private.request_elevation's hourly limit (PT429)
    errors: ['rate_limited'],
  },
  async ({ body, caller, db }) => {
    const [row] = await mapped('write', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ r: unknown }[]>`
          select to_jsonb(private.request_elevation(${body.scope_type}, ${body.scope_id}::uuid, ${body.permission},
                 ${body.reason}, make_interval(secs => ${body.duration_seconds}))) as r`,
      ),
    );
    return row!.r;
  },
);

const decisions = [
  ['approve', 'Approve an elevation request (as the scope owner)'],
  ['deny', 'Deny an elevation request (as the scope owner)'],
  ['revoke', 'Revoke a grant or withdraw a request'],
] as const;

for (const [verb, summary] of decisions) {
  fn.route(
    {
      method: 'post',
      path: `/elevations/{id}/${verb}`,
      summary,
      tag: 'governance',
      params: IdParam,
      response: { status: 200, schema: r.ElevationRequest },
      access: 'user',
    },
    async ({ params, caller, db }) => {
      const [row] = await mapped('write', () =>
        db.withUser(caller.claims, (tx) =>
          verb === 'revoke'
            ? tx<{ r: unknown }[]>`select to_jsonb(private.revoke_elevation(${params.id})) as r`
            : tx<
                { r: unknown }[]
              >`select to_jsonb(private.decide_elevation(${params.id}, ${verb === 'approve'})) as r`,
        ),
      );
      return row!.r;
    },
  );
}

crud(fn, {
  path: '/scope-lock',
  table: 'public.scope_locks',
  noun: 'scope lock',
  tag: 'governance',
  row: p.ScopeLock,
  verbs: ['get'],
});

// scope locks have no created_at: paged by (locked_at, id), newest first
fn.route(
  {
    method: 'get',
    path: '/scope-lock',
    summary: "List the active identity's scope locks, newest first",
    tag: 'governance',
    query: PageQuery.extend({
      thread_id: z.uuid().optional(),
      execution_id: z.uuid().optional(),
      held: z.enum(['true', 'false']).optional().meta({ description: 'only held (or only released) locks' }),
    }),
    response: { status: 200, schema: pageOf(p.ScopeLock) },
  },
  async ({ query, caller, db }) => {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await mapped('read', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ r: Record<string, unknown> }[]>`
          select to_jsonb(l) as r from public.scope_locks l
          where l.identity_id = (select private.active_identity_id())
            ${query.thread_id ? tx`and ${query.thread_id}::uuid = any(l.thread_ids)` : tx``}
            ${query.execution_id ? tx`and l.execution_id = ${query.execution_id}` : tx``}
            ${query.held ? tx`and (l.released_at is null) = ${query.held === 'true'}` : tx``}
            ${after ? tx`and (l.locked_at, l.id) < (${after[0]}::text::timestamptz, ${after[1]}::uuid)` : tx``}
          order by l.locked_at desc, l.id desc limit ${query.limit + 1}`,
      ),
    );
    const page = rows.slice(0, query.limit).map((x) => x.r);
    const last = page[page.length - 1];
    return {
      data: page,
      next_cursor:
        rows.length > query.limit && last ? encodeCursor(String(last.locked_at), String(last.id)) : null,
    };
  },
);

fn.route(
  {
    method: 'post',
    path: '/scope-lock',
    summary: "Lock a scope of the active identity (a thread, a dataspace, or an agent run's)",
    tag: 'governance',
    body: p.ScopeLockCreate,
    response: { status: 201, schema: p.ScopeLockAcquired },
  },
  async ({ body, caller, db }) => {
    const [row] = await mapped('write', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ r: unknown }[]>`
          select private.lock_scope(${body.thread_id ?? null}::uuid, ${body.dataspace_id ?? null}::uuid,
                                   ${body.execution_id ?? null}::uuid) as r`,
      ),
    );
    return row!.r;
  },
);

fn.route(
  {
    method: 'post',
    path: '/scope-lock/{id}/release',
    summary: 'Release a scope lock (idempotent; refused while its run is in flight)',
    tag: 'governance',
    params: IdParam,
    response: { status: 200, schema: p.ScopeLock },
  },
  async ({ params, caller, db }) => {
    const [row] = await mapped('write', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ r: unknown }[]>`select to_jsonb(private.release_scope_lock(${params.id})) as r`,
      ),
    );
    return row!.r;
  },
);

const AuditQuery = z.object({
  cursor: SeqCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

fn.route(
  {
    method: 'get',
    path: '/audit',
    summary: "List the active identity's audit trail, newest first",
    tag: 'governance',
    query: AuditQuery,
    response: { status: 200, schema: pageOf(r.AuditEntry) },
  },
  async ({ query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ seq: string; r: Record<string, unknown> }[]>`
          select a.seq::text as seq, to_jsonb(a) - 'hash' - 'prev_hash' as r from public.audit_log a
          where a.identity_id = (select private.active_identity_id())
            ${query.cursor ? tx`and a.seq < ${query.cursor}::bigint` : tx``}
          order by a.seq desc limit ${query.limit + 1}`,
      ),
    );
    const page = rows.slice(0, query.limit);
    return {
      data: page.map((x) => x.r),
      next_cursor: rows.length > query.limit ? page[page.length - 1]!.seq : null,
    };
  },
);

fn.route(
  {
    method: 'get',
    path: '/audit/verify',
    summary: "Verify the hash chain of the active identity's audit trail",
    tag: 'governance',
    response: { status: 200, schema: r.AuditVerification },
  },
  async ({ caller, db }) => {
    const [row] = await mapped('read', () =>
      db.withUser(
        caller.claims,
        (tx) => tx<{ checked: string; first_broken_seq: string | null }[]>`
          select checked, first_broken_seq from private.verify_my_audit_chain()`,
      ),
    );
    if (!row) throw new ApiError('forbidden', 'no active identity in the token');
    const broken = row.first_broken_seq === null ? null : Number(row.first_broken_seq);
    return { checked: Number(row.checked), first_broken_seq: broken, intact: broken === null };
  },
);

export default fn;
