/** Construction: projects → estimates → line items, and an estimate's totals. */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, mapped, type Verb } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('construction');
const all: Verb[] = ['list', 'get', 'create', 'update', 'delete'];
crud(fn, {
  path: '/projects',
  table: 'public.construction_projects',
  noun: 'project',
  tag: 'construction',
  row: r.ConstructionProject,
  create: r.ConstructionProjectCreate,
  update: r.ConstructionProjectUpdate,
  verbs: all,
  filters: { dataspace_id: z.uuid() },
});
crud(fn, {
  path: '/projects/{project_id}/estimates',
  table: 'public.construction_estimates',
  noun: 'estimate',
  tag: 'construction',
  row: r.Estimate,
  create: r.EstimateCreate,
  update: r.EstimateUpdate,
  verbs: all,
  parent: { param: 'project_id', column: 'project_id' },
});
crud(fn, {
  path: '/estimates/{estimate_id}/line-items',
  table: 'public.estimate_line_items',
  noun: 'line item',
  tag: 'construction',
  row: r.LineItem,
  create: r.LineItemCreate,
  update: r.LineItemUpdate,
  verbs: all,
  parent: { param: 'estimate_id', column: 'estimate_id' },
});

/** Totals in cents: tax is rounded once on the subtotal (not per line). */
fn.route(
  {
    method: 'get',
    path: '/estimates/{id}/totals',
    summary: 'Totals of an estimate',
    tag: 'construction',
    params: IdParam,
    response: { status: 200, schema: r.EstimateTotals },
  },
  async ({ params, caller, db }) => {
    const totals = await mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx`
          select e.id as estimate_id, count(li.id)::int as line_items,
                 coalesce(sum(li.total_cents), 0)::bigint as subtotal_cents, e.tax_rate::float8 as tax_rate,
                 round(coalesce(sum(li.total_cents), 0) * e.tax_rate)::bigint as tax_cents
          from public.construction_estimates e
          left join public.estimate_line_items li on li.estimate_id = e.id
          where e.id = ${params.id}
          group by e.id, e.tax_rate`;
        return row;
      }),
    );
    if (!totals) throw new ApiError('not_found', 'estimate not found');
    const subtotal = Number(totals.subtotal_cents);
    const tax = Number(totals.tax_cents);
    return { ...totals, subtotal_cents: subtotal, tax_cents: tax, total_cents: subtotal + tax };
  },
);

export default fn;
