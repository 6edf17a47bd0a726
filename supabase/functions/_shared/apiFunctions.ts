/**
 * Every API function of the project (all but `docs`, which describes these). What the local router
 * serves and what the OpenAPI document lists: a function missing here is neither.
 */
import agents from '../agents/app.ts';
import apiKeys from '../api-keys/app.ts';
import bureau from '../bureau/app.ts';
import construction from '../construction/app.ts';
import dataspaces from '../dataspaces/app.ts';
import domains from '../domains/app.ts';
import encoding from '../encoding/app.ts';
import files from '../files/app.ts';
import governance from '../governance/app.ts';
import identities from '../identities/app.ts';
import invitations from '../invitations/app.ts';
import links from '../links/app.ts';
import immobilier from '../immobilier/app.ts';
import meetings from '../meetings/app.ts';
import memory from '../memory/app.ts';
import notifications from '../notifications/app.ts';
import nova from '../nova/app.ts';
import onboarding from '../onboarding/app.ts';
import ocw from '../ocw/app.ts';
import spheres from '../spheres/app.ts';
import subscriptions from '../subscriptions/app.ts';
import threads from '../threads/app.ts';
import tokens from '../tokens/app.ts';
import workflows from '../workflows/app.ts';
import workspaces from '../workspaces/app.ts';
import xr from '../xr/app.ts';
import type { EdgeFunction } from './edgeFunction.ts';

export const API_FUNCTIONS: readonly EdgeFunction[] = [
  identities,
  onboarding,
  invitations,
  links,
  spheres,
  domains,
  dataspaces,
  threads,
  workspaces,
  memory,
  meetings,
  immobilier,
  construction,
  xr,
  files,
  notifications,
  governance,
  bureau,
  subscriptions,
  apiKeys,
  ocw,
  agents,
  tokens,
  nova,
  encoding,
  workflows,
];
