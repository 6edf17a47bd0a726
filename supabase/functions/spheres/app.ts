/** Spheres: the life areas of the active identity. */
import { Sphere, SphereCreate, SphereUpdate } from '../../../shared/api/resources.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('spheres');
crud(fn, {
  path: '',
  table: 'public.spheres',
  noun: 'sphere',
  tag: 'spheres',
  row: Sphere,
  create: SphereCreate,
  update: SphereUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
});

export default fn;
