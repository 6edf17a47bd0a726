/** Domains: the subdivisions of a sphere. */
import { z } from 'zod';
import { Domain, DomainCreate, DomainUpdate } from '../../../shared/api/resources.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('domains');
crud(fn, {
  path: '',
  table: 'public.domains',
  noun: 'domain',
  tag: 'domains',
  row: Domain,
  create: DomainCreate,
  update: DomainUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { sphere_id: z.uuid() },
});

export default fn;
