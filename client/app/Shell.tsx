import { RoomSession } from '../room/RoomSession.tsx';
import { DataspaceBrowser } from '../session/DataspaceBrowser.tsx';
import { useSession } from '../session/SessionContext.ts';
import { useState } from 'react';
import { MailAuth, PasswordReset, RESET_LANDING } from '../session/MailAuth.tsx';
import { SignInForm } from '../session/SignInForm.tsx';

/**
 * Signed out → sign-in (password, or by mail); signed in → the dataspace browser; a dataspace open →
 * its room. Landing from a password-reset link → choose the new password first.
 */
export function Shell() {
  const status = useSession((s) => s.status);
  const dataspace = useSession((s) => s.dataspace);
  const [resetting, setResetting] = useState(RESET_LANDING);
  if (resetting && status === 'signed-in') return <PasswordReset onDone={() => setResetting(false)} />;
  if (status !== 'signed-in') {
    return (
      <>
        <SignInForm />
        <MailAuth />
      </>
    );
  }
  if (!dataspace) return <DataspaceBrowser />;
  return <RoomSession key={dataspace.id} />;
}
