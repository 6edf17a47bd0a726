/** DataSpaces: the universal container of threads, workspaces, memory, meetings and files. */
import { z } from 'zod';
import { Dataspace, DataspaceCreate, DataspaceUpdate } from '../../../shared/api/resources.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('dataspaces');
crud(fn, {
  path: '',
  table: 'public.dataspaces',
  noun: 'dataspace',
  tag: 'dataspaces',
  row: Dataspace,
  create: DataspaceCreate,
  update: DataspaceUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { sphere_id: z.uuid(), domain_id: z.uuid() },
});

export default fn;
