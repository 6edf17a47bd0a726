import { RoomSession } from '../room/RoomSession.tsx';
import { DataspaceBrowser } from '../session/DataspaceBrowser.tsx';
import { useSession } from '../session/SessionContext.ts';
import { SignInForm } from '../session/SignInForm.tsx';

/** Signed out → sign-in; signed in → the dataspace browser; a dataspace open → its room. */
export function Shell() {
  const status = useSession((s) => s.status);
  const dataspace = useSession((s) => s.dataspace);
  if (status !== 'signed-in') return <SignInForm />;
  if (!dataspace) return <DataspaceBrowser />;
  return <RoomSession key={dataspace.id} />;
}
