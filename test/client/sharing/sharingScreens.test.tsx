/**
 * The shared-spaces screens (issue 14) in jsdom against the real gateway, Deno functions and Colyseus,
 * between different users: the share dialog of an owner (invite, roles, remove, links) and of a
 * member (people only, leave); the invitations inbox, live from the presence room, accepted with
 * another identity of the invitee (the session switches to it); a share link redeemed on `/join`.
 */
import '../session/installDom.ts';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { createChenuApi, type Dataspace } from '../../../client/api/chenuApi.ts';
import { AppProviders } from '../../../client/app/AppProviders.tsx';
import { createSessionStore } from '../../../client/app/sessionStore.ts';
import { createBrowserStore } from '../../../client/home/browserStore.ts';
import { HomeScreen } from '../../../client/home/HomeScreen.tsx';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { joinPresence } from '../../../client/net/presenceFeed.ts';
import { JoinScreen } from '../../../client/session/JoinScreen.tsx';
import { SessionContext } from '../../../client/session/SessionContext.ts';
import { RequireSession } from '../../../client/session/RequireSession.tsx';
import { createPresenceStore, type PresenceStore } from '../../../client/sharing/presenceStore.ts';
import { createShareStore } from '../../../client/sharing/shareStore.ts';
import { agentStreams, applyAgentStream } from '../../../client/threads/agentStreams.ts';
import { LiveRuns } from '../../../client/threads/LiveRuns.tsx';
import { useClientStack } from '../../e2e/clientStack.ts';

initI18n({ lng: 'en' });
const stack = useClientStack('client_sharing_screens', { realtime: true });
const disposers: (() => void)[] = [];

afterEach(() => {
  cleanup();
  for (const d of disposers.splice(0)) d();
});

/** Under load the API can take seconds: every wait of this file allows that much. */
const SLOW = { timeout: 15_000 };
const PASSWORD = 'correct-horse-battery';

/** A page's supabase-js client (its session kept in its own storage), signed in as `email`. */
async function signedIn(email: string): Promise<SupabaseClient> {
  const storage = new Map<string, string>();
  const api = stack.api();
  const sb = createClient(api.url, api.anonKey, {
    auth: {
      persistSession: true,
      autoRefreshToken: false,
      storage: {
        getItem: (k) => storage.get(k) ?? null,
        setItem: (k, v) => void storage.set(k, v),
        removeItem: (k) => void storage.delete(k),
      },
    },
  });
  const { error } = await sb.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw error;
  return sb;
}

/** Where the app navigated to (the room routes are the room's own business, not this file's). */
function Probe() {
  return <p data-testid="at">{useLocation().pathname}</p>;
}

/** The app's home and join screens as a signed-in user's page, with its presence room when asked. */
async function app(sb: SupabaseClient, at: string, live = false) {
  const session = createSessionStore(sb);
  disposers.push(() => session.dispose());
  const browser = createBrowserStore(session.api);
  let presence: PresenceStore | null = null;
  if (live) {
    presence = createPresenceStore((token, identityId) =>
      joinPresence(stack.realtimeUrl(), token, identityId),
    );
  }
  render(
    <MemoryRouter initialEntries={[at]}>
      <AppProviders session={session} browser={browser} presence={presence}>
        <Routes>
          <Route
            path="/"
            element={
              <RequireSession>
                <HomeScreen />
              </RequireSession>
            }
          />
          <Route path="/join/:link" element={<JoinScreen />} />
          <Route path="/d/:dataspaceId" element={<Probe />} />
          <Route path="/m/:meetingId" element={<Probe />} />
        </Routes>
      </AppProviders>
    </MemoryRouter>,
  );
  await waitFor(() => expect(session.getState().identities.length).toBeGreaterThan(0), SLOW);
  return { session, browser, presence };
}

async function press(name: string | RegExp, scope: HTMLElement = document.body) {
  const button = await within(scope).findByRole('button', { name }, SLOW);
  await waitFor(() => expect(button.hasAttribute('disabled')).toBe(false), SLOW);
  fireEvent.click(button);
}

/** Opens a React Aria select by its label and picks an option. */
async function choose(label: string | RegExp, option: string | RegExp, scope: HTMLElement = document.body) {
  fireEvent.click(within(scope).getByRole('button', { name: label }));
  const listbox = await screen.findByRole('listbox', undefined, SLOW);
  fireEvent.click(within(listbox).getByRole('option', { name: option }));
}

/** A fresh owner (sign-up onboarded her: a sphere) with a dataspace of her own, named apart. */
async function owner(label: string) {
  const u = await stack.newUser(label);
  const api = createChenuApi(u.sb);
  const sphere = (await api.spheres()).data[0]!;
  const space: Dataspace = await api.createDataspace({
    sphere_id: sphere.id,
    name: `Chantier ${label} ${crypto.randomUUID().slice(0, 6)}`,
  });
  return { ...u, api, space };
}

describe('shared spaces screens (real gateway, Deno functions and Colyseus, jsdom)', () => {
  it('lets an owner invite, change a role, remove, and make and revoke a link; the owner stays', async () => {
    const alice = await owner('alice');
    const bobEmail = `bob-${crypto.randomUUID().slice(0, 8)}@client.chenu.local`;
    await app(await signedIn(alice.email), '/');
    await press(`Actions for ${alice.space.name}`);
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Share…' }, SLOW));
    const dialog = await screen.findByRole('dialog', { name: `Share “${alice.space.name}”` }, SLOW);
    // the owner, never removable
    const people = await within(dialog).findByRole('list', { name: 'People with access' }, SLOW);
    await within(people).findByText('alice', undefined, SLOW);
    expect(within(people).queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(within(people).getByText('owner')).toBeDefined();

    // invite by e-mail (before Bob has an account), as an editor
    fireEvent.change(within(dialog).getByLabelText('Email address'), { target: { value: bobEmail } });
    await choose(/Role$/, /^editor/, dialog);
    await press('Send the invitation', dialog);
    await within(dialog).findByText(new RegExp(`Invitation sent to ${bobEmail}`), undefined, SLOW);
    const pending = within(dialog).getByRole('list', { name: 'Invitations waiting for an answer' });
    expect(pending.textContent).toContain(`${bobEmail} · editor`);

    // a malformed address is refused in words before anything is sent
    fireEvent.change(within(dialog).getByLabelText('Email address'), { target: { value: 'not-an-address' } });
    fireEvent.submit(within(dialog).getByLabelText('Email address').closest('form')!);
    await waitFor(
      () => expect(within(dialog).queryByText(/email address is not valid|valid email/i)).not.toBeNull(),
      SLOW,
    );

    // Bob signs up and accepts (his side is the inbox test's): Alice changes his role, then removes him
    const bob = await stack.newUser('bob', bobEmail);
    const [invitation] = (await createChenuApi(bob.sb).myInvitations('pending')).data;
    await createChenuApi(bob.sb).acceptInvitation(invitation!.id, bob.identityId);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), SLOW);
    await press(`Actions for ${alice.space.name}`);
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Share…' }, SLOW));
    const again = await screen.findByRole('dialog', { name: `Share “${alice.space.name}”` }, SLOW);
    await within(again).findByText('bob', undefined, SLOW);
    await choose(/Role of bob/, /^viewer/, again);
    await waitFor(
      async () =>
        expect((await alice.api.members(alice.space.id)).data.map((m) => m.role)).toEqual([
          'owner',
          'viewer',
        ]),
      SLOW,
    );
    await press('Remove bob', again);
    const confirm = within(again).getByRole('group', { name: 'Confirm for bob' });
    await press('Remove bob', confirm);
    await waitFor(() => expect(within(again).queryByText('bob')).toBeNull(), SLOW);
    expect((await alice.api.members(alice.space.id)).data.map((m) => m.role)).toEqual(['owner']);
    await expect(createChenuApi(bob.sb).dataspace(alice.space.id)).rejects.toMatchObject({ status: 404 });

    // a link: made with its role and expiry, shown once, revoked
    await choose(/Role given by the link/, /^viewer/, again);
    await choose(/Valid for/, '1 day', again);
    await press('Make a link', again);
    const field = (await within(again).findByLabelText('Link to send', undefined, SLOW)) as HTMLInputElement;
    expect(field.value).toMatch(/^https?:\/\/[^/]+\/join\/chenu_link_[A-Za-z0-9_-]+$/);
    const [link] = (await alice.api.links(alice.space.id)).data;
    expect(link).toMatchObject({ role: 'viewer', revoked_at: null });
    const hours = (Date.parse(link!.expires_at) - Date.parse(link!.created_at)) / 3_600_000;
    expect(hours).toBeCloseTo(24, 1);
    await press('Revoke the viewer link', again);
    await waitFor(() => expect(within(again).queryByLabelText('Link to send')).toBeNull(), SLOW);
    expect((await alice.api.links(alice.space.id)).data[0]!.revoked_at).not.toBeNull();
  }, 120_000);

  it('shows a member the people only, under “Shared with me”, and lets them leave', async () => {
    const alice = await owner('alice');
    const carol = await stack.newUser('carol');
    const inv = await alice.api.invite(alice.space.id, carol.email, 'viewer');
    await createChenuApi(carol.sb).acceptInvitation(inv.id, carol.identityId);
    const { browser } = await app(await signedIn(carol.email), '/');
    const shared = await screen.findByRole('list', { name: 'Shared with me' }, SLOW);
    await within(shared).findByRole('link', { name: alice.space.name }, SLOW);
    expect(within(shared).getByText('viewer')).toBeDefined();
    await press(`Actions for ${alice.space.name}`, shared);
    fireEvent.click(await screen.findByRole('menuitem', { name: 'People and roles' }, SLOW));
    const dialog = await screen.findByRole('dialog', { name: `Share “${alice.space.name}”` }, SLOW);
    await within(dialog).findByText(/Only the owner and hosts invite/, undefined, SLOW);
    await within(dialog).findByText('alice', undefined, SLOW);
    expect(within(dialog).queryByLabelText('Email address')).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Make a link' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /Remove alice/ })).toBeNull();
    await press('Leave this dataspace', dialog);
    await press('Leave this dataspace', within(dialog).getByRole('group', { name: 'Confirm for carol' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), SLOW);
    await waitFor(() => expect(browser.getState().shared).toEqual([]), SLOW);
    await screen.findByText(/Nothing shared with this identity yet/, undefined, SLOW);
  }, 120_000);

  it('receives an invitation live, accepts it as another of my identities and opens it as that identity', async () => {
    const alice = await owner('alice');
    const bob = await stack.newUser('bob');
    const pro = (
      await bob.sb.functions.invoke('identities', {
        method: 'POST',
        body: { name: 'Bob Pro', kind: 'professional' },
      })
    ).data as { id: string };
    const { session } = await app(await signedIn(bob.email), '/', true);
    await screen.findByRole('heading', { name: 'Your dataspaces' }, SLOW);
    await waitFor(() => expect(session.getState().identities).toHaveLength(2), SLOW);
    expect(screen.queryByRole('list', { name: 'Invitations' })).toBeNull();

    // Alice invites while Bob's page is open: the presence room pushes it, nothing is reloaded
    await alice.api.invite(alice.space.id, bob.email, 'participant');
    const list = await screen.findByRole('list', { name: 'Invitations' }, SLOW);
    expect(list.textContent).toContain(
      `alice invites you to the dataspace “${alice.space.name}” as participant.`,
    );
    expect(screen.getByRole('button', { name: 'Invitations: 1 waiting' })).toBeDefined();
    // a second one, declined
    const other = await owner('dora');
    await other.api.invite(other.space.id, bob.email, 'viewer');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2), SLOW);
    await press(`Decline the invitation to ${other.space.name}`, list);
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1), SLOW);
    expect((await other.api.dataspaceInvitations(other.space.id)).data[0]!.status).toBe('declined');

    await press(`Accept the invitation to ${alice.space.name}`, list);
    const dialog = await screen.findByRole('dialog', { name: 'Accept the invitation' }, SLOW);
    // every identity of mine, the active one chosen to start with
    const radios = within(dialog).getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => r.closest('label')!.textContent).sort()).toEqual([
      'Bob Pro · professional',
      'bob · personal',
    ]);
    expect((within(dialog).getByRole('radio', { name: /^bob/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByRole('radio', { name: /Bob Pro/ }));
    await press('Accept', dialog);
    const done = await screen.findByRole('dialog', { name: 'You are in' }, SLOW);
    expect(done.textContent).toContain('Opening it switches to the identity Bob Pro.');
    await press(`Open “${alice.space.name}”`, done);
    await waitFor(() => expect(screen.getByTestId('at').textContent).toBe(`/d/${alice.space.id}`), SLOW);
    expect(session.getState().activeIdentityId).toBe(pro.id);
    const members = (await alice.api.members(alice.space.id)).data;
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ['alice', 'owner'],
      ['Bob Pro', 'participant'],
    ]);
  }, 120_000);

  it('keeps an invitation sent while the dialog was still loading (the late lists are read again)', async () => {
    const alice = await owner('early');
    let invited = () => {};
    const inviteDone = new Promise<void>((resolve) => (invited = resolve));
    // the dialog's first read of the invitations answers only after the invitation is made: its list
    // (read before) no longer holds what the person just sent
    const slow: typeof alice.api = {
      ...alice.api,
      dataspaceInvitations: async (...args) => {
        const page = await alice.api.dataspaceInvitations(...args);
        await inviteDone;
        return page;
      },
    };
    const share = createShareStore(slow, 'http://127.0.0.1');
    const loading = share.load(alice.space.id, 'owner');
    const row = await share.invite('late@client.chenu.local', 'viewer');
    invited();
    await loading;
    expect(share.getState().loaded).toBe(true);
    expect(share.getState().invitations.map((i) => i.id)).toEqual([row!.id]);
  });

  it('offers Stop on a live answer to the person who asked for the run only', async () => {
    const alice = await owner('runner');
    const session = createSessionStore(await signedIn(alice.email));
    disposers.push(() => session.dispose());
    await waitFor(() => expect(session.getState().activeIdentityId).toBe(alice.identityId), SLOW);
    // two answers streaming in one shared thread: one asked for by this identity, one by a member
    const stream = (id: string, runner: string, delta: string) =>
      applyAgentStream({
        table: 'agent_stream',
        op: 'UPDATE',
        id,
        identityId: null,
        data: { threadId: 'thread-1', seq: 0, agent: 'openai-compatible', model: 'm', runner, delta },
      });
    stream('run-mine', alice.identityId, 'Mon résumé');
    stream('run-theirs', crypto.randomUUID(), 'Le résumé de Bob');
    disposers.push(() => agentStreams.setState({ runs: {} }));
    render(
      <SessionContext.Provider value={session}>
        <LiveRuns threadId="thread-1" />
      </SessionContext.Provider>,
    );
    const mine = screen.getByText('Mon résumé').closest('li')!;
    const theirs = screen.getByText('Le résumé de Bob').closest('li')!;
    expect(within(mine).getByRole('button', { name: 'Stop' })).toBeDefined();
    expect(within(theirs).queryByRole('button')).toBeNull();
  });

  it('redeems a share link with the identity chosen on /join, and words a link that opens nothing', async () => {
    const alice = await owner('alice');
    const made = await alice.api.createLink(alice.space.id, { role: 'participant', expiresInHours: 1 });
    const erin = await stack.newUser('erin');
    const sb = await signedIn(erin.email);
    await app(sb, made.path);
    await screen.findByRole('heading', { name: 'Join through a link' }, SLOW);
    const choice = await screen.findByRole('radiogroup', { name: 'Join as' }, SLOW);
    expect(within(choice).getByRole('radio', { name: /erin/ })).toHaveProperty('checked', true);
    await press('Join');
    await waitFor(() => expect(screen.getByTestId('at').textContent).toBe(`/d/${alice.space.id}`), SLOW);
    expect((await createChenuApi(sb).sharedDataspaces()).data).toMatchObject([
      { id: alice.space.id, my_role: 'participant' },
    ]);
    cleanup();

    await alice.api.revokeLink(made.link.id);
    await app(sb, made.path);
    await press('Join');
    const alert = await screen.findByRole('alert', undefined, SLOW);
    expect(alert.textContent).toMatch(/^This link no longer opens anything/);
    expect(alert.getAttribute('data-code')).toBe('not_found');
    await act(async () => undefined);
  }, 120_000);
});
