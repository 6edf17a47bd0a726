import { Label, Radio, RadioGroup } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/SessionContext.ts';

/**
 * Which of my identities joins (accepts an invitation, redeems a link): each identity with its
 * colour and kind. Joining as one identity shows nothing of it to the others' owners (docs/SHARING.md).
 */
export function IdentityChoice({
  value,
  onChange,
  label,
}: {
  value: string | null;
  onChange: (identityId: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const identities = useSession((s) => s.identities);
  return (
    <RadioGroup className="radio-group" value={value} onChange={onChange} isRequired>
      <Label className="field-label">{label}</Label>
      {identities.map((i) => (
        <Radio key={i.id} value={i.id} className="radio identity-radio">
          <span className="dot" style={{ background: i.color }} aria-hidden="true" />
          {i.name} <span className="muted">· {t(`identityKinds.${i.kind}`)}</span>
        </Radio>
      ))}
    </RadioGroup>
  );
}
