import { useFrame } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import type { AvatarEntry } from '../state/roomStore.ts';
import type { VoiceSession } from './voiceSession.ts';

/**
 * Places the room's voices every frame: the listener at the camera (the local head, in every mode:
 * three's XR camera carries the headset pose), each remote voice at its avatar's head as drawn this
 * frame (the pose track's sampled `current`; AvatarInstances is its one sampler). Allocates nothing
 * per frame: the session → avatar map is rebuilt only when the room's membership changes.
 */
export function VoiceAudio({ session }: { session: VoiceSession }) {
  const room = useRoomStoreApi();
  const [byId] = useState(() => new Map<string, AvatarEntry>());
  useEffect(() => {
    const index = (avatars: readonly AvatarEntry[]) => {
      byId.clear();
      for (const a of avatars) byId.set(a.id, a);
    };
    index(room.getState().avatars);
    return room.subscribe((s, prev) => {
      if (s.avatars !== prev.avatars) index(s.avatars);
    });
  }, [room, byId]);
  const [place] = useState(() => (sessionId: string) => {
    const head = byId.get(sessionId)?.track.current;
    if (head) session.audio()?.placeVoice(sessionId, head[0]!, head[1]!, head[2]!);
  });
  useFrame(({ camera }) => {
    const audio = session.audio();
    if (!audio) return;
    audio.placeListener(camera.matrixWorld.elements);
    audio.forEachSession(place);
  });
  return null;
}
