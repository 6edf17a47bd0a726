/** Immobilier: properties → units → tenants → rent payments. */
import { z } from 'zod';
import * as r from '../../../shared/api/resources.ts';
import { crud, type Verb } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('immobilier');
const all: Verb[] = ['list', 'get', 'create', 'update', 'delete'];
crud(fn, {
  path: '/properties',
  table: 'public.properties',
  noun: 'property',
  tag: 'immobilier',
  row: r.Property,
  create: r.PropertyCreate,
  update: r.PropertyUpdate,
  verbs: all,
  filters: { dataspace_id: z.uuid() },
});
crud(fn, {
  path: '/properties/{property_id}/units',
  table: 'public.property_units',
  noun: 'unit',
  tag: 'immobilier',
  row: r.PropertyUnit,
  create: r.PropertyUnitCreate,
  update: r.PropertyUnitUpdate,
  verbs: all,
  parent: { param: 'property_id', column: 'property_id' },
});
crud(fn, {
  path: '/units/{unit_id}/tenants',
  table: 'public.tenants',
  noun: 'tenant',
  tag: 'immobilier',
  row: r.Tenant,
  create: r.TenantCreate,
  update: r.TenantUpdate,
  verbs: all,
  parent: { param: 'unit_id', column: 'unit_id' },
});
crud(fn, {
  path: '/tenants/{tenant_id}/payments',
  table: 'public.rent_payments',
  noun: 'payment',
  tag: 'immobilier',
  row: r.RentPayment,
  create: r.RentPaymentCreate,
  update: r.RentPaymentUpdate,
  verbs: all,
  parent: { param: 'tenant_id', column: 'tenant_id' },
});

export default fn;
