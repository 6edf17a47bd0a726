// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import type { Object3D } from 'three';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { initI18n } from '../../../client/i18n/i18n.ts';
import PeoplePanel3D from '../../../client/people/PeoplePanel3D.tsx';
import type { PeopleState, PeopleStore, Person } from '../../../client/people/peopleStore.ts';
import type { RoomRole } from '../../../shared/protocol/spatialProtocol.ts';
import { serveAppAssets } from '../../helpers/appAssets.ts';

initI18n({ lng: 'en' });
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
// the panels' MSDF fonts come from the app's own assets, served on loopback as the page would
serveAppAssets();

const person = (n: number, role: RoomRole, self = false): Person => ({
  identityId: `identity-${n}`,
  sessionId: `session-${n}`,
  name: `Person ${n}`,
  color: '#4f8cff',
  role,
  access: 'participant',
  mode: 'desktop',
  devices: 1,
  muted: false,
  speaking: false,
  away: false,
  self,
});

/** A people store as the room would fill it (the actions are the panel's only way out: recorded). */
function peopleAs(myRole: RoomRole): { store: PeopleStore; kicked: string[] } {
  const kicked: string[] = [];
  const state: PeopleState = {
    people: [person(0, 'host'), person(1, myRole, true), person(2, 'participant'), person(3, 'viewer')],
    myRole,
    myAccess: 'participant',
    chat: [{ key: '1', identityId: 'identity-2', name: 'Person 2', text: 'Bonjour', at: 1, mine: false }],
    chatError: null,
    locked: false,
  };
  const store: PeopleStore = Object.assign(
    createStore<PeopleState>()(() => state),
    {
      sendChat: () => true,
      clearChatError() {},
      kick: (sessionId: string) => {
        kicked.push(sessionId);
        return true;
      },
      setMode() {},
      dispose() {},
    },
  );
  return { store, kicked };
}

const names = (root: Object3D) => {
  const out: string[] = [];
  root.traverse((o) => o.name.startsWith('xr-') && out.push(o.name));
  return out;
};

describe('PeoplePanel3D', () => {
  it('offers a moderator mute and remove for everyone but the host and itself, and mute all', async () => {
    const { store } = peopleAs('moderator');
    const r = await ReactThreeTestRenderer.create(<PeoplePanel3D people={store} voice={null} />);
    await ReactThreeTestRenderer.act(() => r.advanceFrames(1, 16));
    const shown = names(r.scene.instance);
    expect(shown).toEqual(
      expect.arrayContaining([
        'xr-mute-identity-2',
        'xr-kick-identity-2',
        'xr-mute-identity-3',
        'xr-kick-identity-3',
        'xr-mute-all',
        'xr-unmute-all',
        'xr-chat-write',
      ]),
    );
    expect(shown.filter((n) => n.endsWith('identity-0') || n.endsWith('identity-1'))).toEqual([]);
    await r.unmount();
  });

  it('offers a participant the chat only, and a viewer no box at all', async () => {
    const participant = await ReactThreeTestRenderer.create(
      <PeoplePanel3D people={peopleAs('participant').store} voice={null} />,
    );
    await ReactThreeTestRenderer.act(() => participant.advanceFrames(1, 16));
    const asParticipant = names(participant.scene.instance);
    expect(asParticipant).toContain('xr-chat-write');
    expect(asParticipant.filter((n) => n.startsWith('xr-mute') || n.startsWith('xr-kick'))).toEqual([]);
    await participant.unmount();
    const viewer = await ReactThreeTestRenderer.create(
      <PeoplePanel3D people={peopleAs('viewer').store} voice={null} writing />,
    );
    await ReactThreeTestRenderer.act(() => viewer.advanceFrames(1, 16));
    expect(names(viewer.scene.instance).filter((n) => n.startsWith('xr-chat'))).toEqual(['xr-chat-log']);
    await viewer.unmount();
  });

  it('opens the chat keyboard with its own key names, beside other keyboards', async () => {
    const r = await ReactThreeTestRenderer.create(
      <PeoplePanel3D people={peopleAs('participant').store} voice={null} writing />,
    );
    await ReactThreeTestRenderer.act(() => r.advanceFrames(1, 16));
    const shown = names(r.scene.instance);
    expect(shown).toEqual(expect.arrayContaining(['xr-chat-key-a', 'xr-chat-key-space', 'xr-chat-send']));
    expect(shown.filter((n) => n.startsWith('xr-key-'))).toEqual([]);
    await r.unmount();
  });
});
