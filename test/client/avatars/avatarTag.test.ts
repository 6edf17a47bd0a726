import { describe, expect, it } from 'vitest';
import { avatarTagKey } from '../../../client/avatars/avatarTag.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';
import type { AvatarSnapshot, Pose } from '../../../client/state/RoomFeed.ts';

const at: Pose = { x: 0, y: 1.6, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const avatar = (extra: Partial<AvatarSnapshot> = {}): AvatarSnapshot => ({
  id: 's1',
  identityId: 'i1',
  displayName: 'Bob',
  color: '#2e86ab',
  speaking: false,
  head: at,
  left: at,
  right: at,
  ...extra,
});

describe('avatar name tags', () => {
  it('say how the person is present, and tracked hands in VR / AR, in the interface language', async () => {
    const i18n = initI18n({ lng: 'en' });
    const tag = (mode: 'desktop' | 'mobile' | 'vr' | 'ar', handTracking = false) =>
      i18n.t(avatarTagKey({ mode, handTracking }), { name: 'Bob' });
    expect([tag('desktop'), tag('mobile'), tag('vr'), tag('ar'), tag('vr', true), tag('ar', true)]).toEqual([
      'Bob',
      'Bob · mobile',
      'Bob · VR',
      'Bob · AR',
      'Bob · VR · hands',
      'Bob · AR · hands',
    ]);
    // hands are never claimed outside an immersive mode, even if a snapshot says so
    expect(tag('desktop', true)).toBe('Bob');
    await i18n.changeLanguage('fr');
    expect(tag('vr', true)).toBe('Bob · VR · mains');
    await i18n.changeLanguage('en');
  });

  it('re-renders the avatar list when a mode or hand tracking changes, not on a pose', () => {
    const store = createRoomStore();
    store.upsertAvatar(avatar(), 0);
    const first = store.getState().avatars;
    expect(first[0]).toMatchObject({ mode: 'desktop', handTracking: false });
    store.upsertAvatar(avatar({ head: { ...at, x: 1 } }), 50);
    expect(store.getState().avatars).toBe(first);
    store.upsertAvatar(avatar({ mode: 'vr', handTracking: true }), 100);
    expect(store.getState().avatars).not.toBe(first);
    expect(store.getState().avatars[0]).toMatchObject({ mode: 'vr', handTracking: true });
  });
});
