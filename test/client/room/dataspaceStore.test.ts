import { describe, expect, it } from 'vitest';
import { createChenuApi, type Dataspace } from '../../../client/api/chenuApi.ts';
import { createBureauStore } from '../../../client/bureau/bureauStore.ts';
import { createDataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { spendByDay, spendByThread } from '../../../client/room/tokenSpend.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";
const CREDIT = 50_000;
const stack = useClientStack('client_room');

type User = Awaited<ReturnType<typeof stack.newUser>>;

/** One API call as the user, by path (setup only; the code under test goes through the stores). */
async function post(u: User, path: string, body: unknown) {
  const { data, error } = await u.sb.functions.invoke(path, { method: 'POST', body: body as never });
  if (error) throw error;
  return data as { id: string; sphere_id: string };
}

/** A fresh user with a sphere, a dataspace, a thread with one message, and credited tokens. */
async function setup(): Promise<{ u: User; dataspace: Dataspace; threadId: string; funded: number }> {
  const u = await stack.newUser('room');
  const sphere = await post(u, 'spheres', { name: 'Maison' });
  const dataspace = (await post(u, 'dataspaces', { sphere_id: sphere.id, name: 'Cuisine' })) as Dataspace;
  const threadId = (await post(u, 'threads', { dataspace_id: dataspace.id, title: 'Armoires' })).id;
  await post(u, `threads/${threadId}/messages`, { body: 'Érable ou chêne ? Le budget est de 8 000 $.' });
  await stack.sql()`select private.ledger_credit(${u.identityId}::uuid, ${CREDIT}, ${`credit-${u.userId}`}, 'manual', null)`;
  // beside the free plan's first tokens, which onboarding granted (issue 14)
  const [account] = await stack.sql()<{ balance: number }[]>`
    select balance::int from public.token_accounts where identity_id = ${u.identityId}`;
  return { u, dataspace, threadId, funded: account!.balance };
}

describe('dataspace room data (real gateway + Deno functions)', () => {
  it('loads threads, posts a message, records a decision, and runs a governed action that debits the balance', async () => {
    const { u, dataspace, threadId, funded } = await setup();
    const ds = createDataspaceStore(createChenuApi(u.sb));
    await ds.load(dataspace, `test-${u.userId}`);
    // another page in the same room, which only hears of the run through the room's messages event
    const watcher = createDataspaceStore(createChenuApi(u.sb));
    await watcher.load(dataspace, `test-watcher-${u.userId}`);
    let s = ds.getState();
    expect(s.error).toBeNull();
    expect(s.threads.map((t) => t.title)).toEqual(['Armoires']);
    expect(s.openThreadId).toBe(threadId);
    expect(s.messages[threadId]!.map((m) => m.body)).toEqual(['Érable ou chêne ? Le budget est de 8 000 $.']);
    expect(s.balance).toBe(funded);
    expect(s.nova).not.toBeNull();

    expect(await ds.postMessage(threadId, 'Le chêne est plus dur.')).toBe(true);
    expect(await ds.recordDecision(threadId, 'Chêne blanc')).toBe(true);
    s = ds.getState();
    expect(s.messages[threadId]!.at(-1)!.body).toBe('Le chêne est plus dur.');
    expect(s.decisions[threadId]!.map((d) => d.title)).toEqual(['Chêne blanc']);

    const summarizer = s.agents.find((a) => a.slug === 'summarizer')!;
    const drafting = ds.draftAction(threadId, summarizer.id, SUMMARIZE);
    expect(ds.getState().draft).toMatchObject({ threadId, agent: { slug: 'summarizer' }, estimate: null });
    await drafting;
    const estimate = ds.getState().draft!.estimate!;
    expect(estimate).toMatchObject({ accepted: true, refusal: null, taskType: 'summarize_thread' });
    expect(estimate.balance.available).toBe(funded);
    // the estimate reserved nothing
    await ds.refreshTokens();
    expect(ds.getState().balance).toBe(funded);
    const run = await ds.confirmDraft();
    expect(run!.tokens.estimated).toBe(estimate.estimate!.tokens);
    expect(run!.eqs).toBe(estimate.encoded.eqs);
    expect(ds.getState().error).toBeNull();
    expect(run).toMatchObject({ ok: true, agent: { slug: 'summarizer' } });
    s = ds.getState();
    expect(s.draft).toBeNull();
    expect(s.balance).toBe(funded - run!.tokens.used);
    expect(s.messages[threadId]!.map((m) => m.id)).toEqual(expect.arrayContaining(run!.messageIds));
    // the charts' series: today's spend and this thread's consumption
    expect(spendByDay(s.transactions).spent.at(-1)).toBe(run!.tokens.used);
    expect(spendByThread(s.threads)).toEqual({ titles: ['Armoires'], spent: [run!.tokens.used] });
    // reading the thread again (what the room's messages event does) brings its token use along
    expect(watcher.getState().threads[0]!.tokens_consumed).toBe(0);
    await watcher.refreshThread(threadId);
    expect(watcher.getState().threads[0]!.tokens_consumed).toBe(run!.tokens.used);
  });

  it("loads a space shared with a member without an error: Nova keeps the member's own context", async () => {
    const { dataspace, threadId } = await setup();
    const member = await stack.newUser('member');
    await stack.sql()`insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
      values (${dataspace.identity_id}, ${dataspace.id}, ${member.identityId}, 'participant')`;
    const api = createChenuApi(member.sb);
    const shared = await api.dataspace(dataspace.id);
    expect(shared.my_role).toBe('participant');
    const ds = createDataspaceStore(api);
    await ds.load(shared, `test-${member.userId}`);
    const s = ds.getState();
    expect(s.error).toBeNull();
    expect(s.openThreadId).toBe(threadId);
    expect(s.nova).toMatchObject({ currentDataspaceId: null });
  });

  it('keeps refusals by code (the UI words them), and a request the encoder cannot read costs nothing', async () => {
    const { u, dataspace, threadId, funded } = await setup();
    const ds = createDataspaceStore(createChenuApi(u.sb));
    await ds.load(dataspace, `test-${u.userId}`);
    expect(await ds.postMessage(threadId, '')).toBe(false);
    expect(ds.getState().error?.code).toBe('validation_failed');
    const summarizer = ds.getState().agents.find((a) => a.slug === 'summarizer')!;
    await ds.draftAction(threadId, summarizer.id, 'fais un truc');
    expect(ds.getState().draft!.estimate).toMatchObject({
      accepted: false,
      refusal: { code: 'encoding_rejected' },
    });
    expect(await ds.confirmDraft()).toBeNull();
    expect(ds.getState().error?.code).toBe('encoding_rejected');
    expect(ds.getState().balance).toBe(funded);
    await ds.draftAction(threadId, 'no-such-agent', SUMMARIZE);
    expect(ds.getState().error?.code).toBe('client.pick_agent');
  });

  it('saves the bureau order and visibility per identity and sphere, and reads them back', async () => {
    const { u, dataspace } = await setup();
    const api = createChenuApi(u.sb);
    const bureau = createBureauStore(api);
    await bureau.load(dataspace.sphere_id);
    expect(bureau.getState().config).toBeNull();
    await bureau.move('threads', -4);
    await bureau.toggle('meetings');
    expect(bureau.getState().error).toBeNull();
    const again = createBureauStore(api);
    await again.load(dataspace.sphere_id);
    expect(again.getState().layout).toEqual({
      section_order: ['threads', 'dashboard', 'notes', 'tasks', 'projects', 'meetings'],
      visible_sections: ['threads', 'dashboard', 'notes', 'tasks', 'projects'],
      default_section: 'dashboard',
    });
    // another user's view of the same sphere id is empty (RLS), not this configuration
    const other = createBureauStore(createChenuApi((await stack.newUser('other')).sb));
    await other.load(dataspace.sphere_id);
    expect(other.getState().config).toBeNull();
  });
});
