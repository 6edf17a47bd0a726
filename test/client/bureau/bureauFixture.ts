import type { ClientStack } from '../../e2e/clientStack.ts';

export type User = Awaited<ReturnType<ClientStack['newUser']>>;

/** One API call as the user, by path (setup only; the code under test goes through the store). */
export async function post<T = { id: string }>(u: User, path: string, body?: unknown): Promise<T> {
  const { data, error } = await u.sb.functions.invoke(path, {
    method: 'POST',
    ...(body === undefined ? {} : { body: body as never }),
  });
  if (error) {
    const res = (error as { context?: Response }).context;
    throw new Error(`${path}: ${res ? await res.text() : String(error)}`);
  }
  return data as T;
}

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/**
 * A sphere with two dataspaces (a general one and a project), and another sphere whose contents must
 * not show: notes, threads, projects, meetings and their tasks through the API.
 */
export async function furnish(stack: ClientStack, u: User) {
  const sphere = await post(u, 'spheres', { name: 'Maison' });
  const cuisine = await post(u, 'dataspaces', { sphere_id: sphere.id, name: 'Cuisine' });
  const reno = await post(u, 'dataspaces', { sphere_id: sphere.id, name: 'Rénovation', kind: 'project' });
  const elsewhere = await post(u, 'spheres', { name: 'Travail' });
  const bureauDs = await post(u, 'dataspaces', { sphere_id: elsewhere.id, name: 'Bureau' });

  const note = await post(u, 'memory', {
    dataspace_id: cuisine.id,
    source_type: 'user',
    kind: 'note',
    content: 'Appeler le plombier avant vendredi.',
  });
  await post(u, 'memory', {
    dataspace_id: cuisine.id,
    source_type: 'user',
    kind: 'fact',
    content: 'Un fait.',
  });
  await post(u, 'memory', {
    dataspace_id: bureauDs.id,
    source_type: 'user',
    kind: 'note',
    content: 'Ailleurs.',
  });

  const open = await post(u, 'threads', {
    dataspace_id: cuisine.id,
    title: 'Budget cuisine',
    token_budget: 1000,
  });
  await post(u, 'threads', { dataspace_id: reno.id, title: 'Fil archivé', status: 'archived' });
  await post(u, 'threads', { dataspace_id: bureauDs.id, title: 'Fil ailleurs' });
  // tokens consumed are the ledger's to write: set here as an agent run would have left them
  await stack.sql()`update public.threads set tokens_consumed = 42 where id = ${open.id}`;

  const project = await post(u, 'construction/projects', {
    dataspace_id: reno.id,
    name: 'Rénovation cuisine',
    client_name: 'Alice',
    status: 'in_progress',
  });

  const live = await post(u, 'meetings', {
    dataspace_id: cuisine.id,
    title: 'Point chantier',
    scheduled_at: inHours(-1),
  });
  const soon = await post(u, 'meetings', {
    dataspace_id: reno.id,
    title: 'Visite',
    scheduled_at: inHours(48),
  });
  const sooner = await post(u, 'meetings', {
    dataspace_id: cuisine.id,
    title: 'Devis',
    scheduled_at: inHours(2),
  });
  const past = await post(u, 'meetings', {
    dataspace_id: cuisine.id,
    title: 'Lancement',
    scheduled_at: inHours(-72),
  });
  // started and ended by the meeting room (realtime), as the API does not start meetings
  await stack.sql()`update public.meetings set status = 'live', started_at = now() where id = ${live.id}`;
  await stack.sql()`
    update public.meetings set status = 'ended', started_at = now() - interval '72 hours',
           ended_at = now() - interval '71 hours'
    where id = ${past.id}`;
  await post(u, 'meetings', { dataspace_id: bureauDs.id, title: 'Ailleurs', scheduled_at: inHours(1) });

  const done = await post(u, `meetings/${past.id}/tasks`, { title: 'Choisir le carrelage', status: 'done' });
  const todo = await post(u, `meetings/${past.id}/tasks`, {
    title: 'Commander le comptoir',
    due_on: '2026-12-01',
  });
  const doing = await post(u, `meetings/${live.id}/tasks`, {
    title: 'Poser les meubles',
    status: 'in_progress',
  });
  return { sphere, cuisine, reno, note, open, project, live, soon, sooner, done, todo, doing };
}
