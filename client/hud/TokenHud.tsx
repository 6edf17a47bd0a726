import { Button as AriaButton, Dialog, DialogTrigger, Heading, Popover } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';

/**
 * The active identity's available tokens (drops as governed runs settle), with what tokens are in
 * plain words one press away.
 */
export function TokenHud() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const balance = useDataspace((s) => s.balance);
  return (
    <DialogTrigger>
      <AriaButton className="hud-tokens">
        <span className="muted">{t('tokens.title')}</span>
        <strong data-testid="token-balance" data-value={balance ?? ''}>
          {balance === null ? '…' : fmt.tokens(balance)}
        </strong>
        <span aria-hidden="true" className="info-dot">
          i
        </span>
        <span className="visually-hidden">{t('tokens.hudMore')}</span>
      </AriaButton>
      <Popover className="popover popover-text">
        <Dialog className="dialog-plain">
          <Heading slot="title" className="dialog-title">
            {t('tokens.whatTitle')}
          </Heading>
          <p>{t('tokens.what')}</p>
          <p className="muted">{t('tokens.whatMore')}</p>
        </Dialog>
      </Popover>
    </DialogTrigger>
  );
}
