import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { anchorModeStore } from './anchorMode.ts';

/** One sentence: which anchors keep placed objects where they are (anchorMode.ts). */
export function AnchorModeNotice() {
  const { t } = useTranslation();
  const mode = useStore(anchorModeStore, (s) => s.mode);
  if (!mode) return null;
  return (
    <p className="ar-anchor-mode" data-anchor-mode={mode}>
      {t(`arOverlay.anchors.${mode}`)}
    </p>
  );
}
