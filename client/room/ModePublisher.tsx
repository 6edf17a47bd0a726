import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { clientStore, type ClientState } from '../app/clientStore.ts';
import { trackedHands } from '../state/handJoints.ts';
import type { AvatarMode, RoomFeed } from '../state/RoomFeed.ts';

/** Whether the page is used by touch alone (a phone or a tablet): the room calls it mobile. */
const touchOnly = () =>
  typeof matchMedia === 'function' &&
  matchMedia('(pointer: coarse)').matches &&
  !matchMedia('(pointer: fine)').matches;

/** How this client is present: VR or AR while immersive, else mobile on a touch-only device, else desktop. */
export function presentMode(xrStatus: ClientState['xrStatus'] = clientStore.getState().xrStatus): AvatarMode {
  if (xrStatus === 'immersive-vr') return 'vr';
  if (xrStatus === 'immersive-ar') return 'ar';
  return touchOnly() ? 'mobile' : 'desktop';
}

/**
 * Tells the room how this client is present and whether its hands are tracked (XRHandTracker fills
 * `trackedHands`), whenever either changes; the others see it on the avatar's tag. Checked every frame
 * without allocating: a message goes out on a change only.
 */
export function ModePublisher({ feed }: { feed: RoomFeed }) {
  const ref = useRef<{ hands: boolean; status: ClientState['xrStatus'] | '' }>({ hands: false, status: '' });
  useFrame(() => {
    const last = ref.current;
    const status = clientStore.getState().xrStatus;
    const hands = trackedHands.left.tracked || trackedHands.right.tracked;
    if (status === last.status && hands === last.hands) return;
    last.status = status;
    last.hands = hands;
    if (status === 'loading') return; // the session is starting: its mode comes with it
    feed.setMode(presentMode(status), hands);
  });
  return null;
}
