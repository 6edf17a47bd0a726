import type { AvatarEntry } from '../state/roomStore.ts';

/** The dictionary key of an avatar's name tag (i18n `avatarTag.*`): its mode, and tracked hands in VR / AR. */
export function avatarTagKey(
  avatar: Pick<AvatarEntry, 'mode' | 'handTracking'>,
): `avatarTag.${'desktop' | 'mobile' | 'vr' | 'ar' | 'vrHands' | 'arHands'}` {
  const { mode, handTracking } = avatar;
  if (handTracking && mode === 'vr') return 'avatarTag.vrHands';
  if (handTracking && mode === 'ar') return 'avatarTag.arHands';
  return `avatarTag.${mode}`;
}
