/** Bureau configuration: section order, visibility and layout per identity × sphere. */
import { z } from 'zod';
import * as r from '../../../shared/api/resources.ts';
import { crud } from '../_shared/crud.ts';
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

export default fn;
