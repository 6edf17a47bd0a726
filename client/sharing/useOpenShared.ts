import { useNavigate } from 'react-router';
import { paths } from '../app/routes.ts';
import { useBrowserStore } from '../home/BrowserContext.ts';
import { useSessionStore } from '../session/SessionContext.ts';

/** Where an accepted invitation or a redeemed link leads. */
export interface SharedPlace {
  readonly dataspaceId: string;
  readonly meetingId: string | null;
}

/**
 * Opens a shared place as the identity that joined it: switches to that identity first when it is
 * not the active one (the room and the API read as the active identity), then goes to the meeting's
 * or the dataspace's room. The dataspace browser reads "Shared with me" again.
 */
export function useOpenShared(): (place: SharedPlace, identityId: string) => Promise<void> {
  const session = useSessionStore();
  const browser = useBrowserStore();
  const navigate = useNavigate();
  return async (place, identityId) => {
    if (session.getState().activeIdentityId !== identityId) {
      await session.switchIdentity(identityId);
      if (session.getState().activeIdentityId !== identityId) return; // refused: the session says why
    }
    void browser.load();
    await navigate(place.meetingId ? paths.meeting(place.meetingId) : paths.dataspace(place.dataspaceId));
  };
}
