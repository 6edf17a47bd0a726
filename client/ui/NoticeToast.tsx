import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { clientStore } from '../app/clientStore.ts';
import { Button } from './Button.tsx';
import { useErrorText } from './ErrorNotice.tsx';

/** How long an informative notice stays (a failure stays until dismissed). */
const INFO_MS = 5000;

/**
 * The room's last notice (a refused grab, a failed XR entry, a placed anchor) in its own words, in
 * the language in force, over the room's lower edge; dismissible, and informative ones fade away.
 */
export function NoticeToast() {
  const { t } = useTranslation();
  const notice = useStore(clientStore, (s) => s.notice);
  const errorText = useErrorText();
  const info = notice?.code.startsWith('notice.') ?? false;
  useEffect(() => {
    if (!notice || !info) return;
    const timer = setTimeout(() => clientStore.setState({ notice: null }), INFO_MS);
    return () => clearTimeout(timer);
  }, [notice, info]);
  if (!notice) return null;
  return (
    <div
      className={`toast ${info ? 'toast-info' : 'toast-error'}`}
      role={info ? 'status' : 'alert'}
      data-code={notice.code}
    >
      <span>{info ? t(notice.code) : errorText(notice)}</span>
      <Button
        variant="quiet"
        size="sm"
        aria-label={t('common.dismiss')}
        onPress={() => clientStore.setState({ notice: null })}
      >
        ✕
      </Button>
    </div>
  );
}
