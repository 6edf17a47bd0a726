import { useDataspace } from '../room/DataspaceContext.ts';

const format = new Intl.NumberFormat('fr-CA');

/** The active identity's available tokens; drops as governed runs settle. */
export function TokenHud() {
  const balance = useDataspace((s) => s.balance);
  return (
    <div className="hud" aria-label="Token balance">
      <span>Tokens</span>
      <strong data-testid="token-balance" data-value={balance ?? ''}>
        {balance === null ? '…' : format.format(balance)}
      </strong>
    </div>
  );
}
