import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useStore } from 'zustand';
import { colors } from '../design/tokens.ts';
import { themeStore } from '../design/themeStore.ts';
import { useFormat } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { DAY_TICK_INCREMENTS, dayLabel, dayRange, spendByDay, spendByThread } from '../room/tokenSpend.ts';
import { EmptyState } from '../ui/EmptyState.tsx';

const WIDTH = 320;
const HEIGHT = 140;

function usePlot(opts: () => uPlot.Options, data: uPlot.AlignedData) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!el.current) return;
    plot.current = new uPlot(opts(), data, el.current);
    return () => plot.current?.destroy();
    // the options are fixed for the chart's life (it is keyed by language and theme); data goes through setData
  }, []);
  useEffect(() => plot.current?.setData(data), [data]);
  return el;
}

const bars = uPlot.paths.bars!({ size: [0.6, 40] });

function Charts() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const scheme = useStore(themeStore, (s) => s.scheme);
  const palette = colors[scheme];
  const transactions = useDataspace((s) => s.transactions);
  const threads = useDataspace((s) => s.threads);
  const day = spendByDay(transactions);
  const thread = spendByThread(threads);
  const titles = useRef(thread.titles);
  titles.current = thread.titles;
  const dayData: uPlot.AlignedData = [day.days.map((d) => Date.parse(d) / 1000), day.spent];
  const threadData: uPlot.AlignedData = [thread.titles.map((_, i) => i), thread.spent];
  const axis = {
    stroke: palette.mutedForeground,
    grid: { stroke: palette.border },
    ticks: { stroke: palette.border },
  };
  // no legend: uPlot's reads "Time: --" until hovered; the heading and the summary say what is drawn
  const dayEl = usePlot(
    () => ({
      width: WIDTH,
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: true, range: (_u, min, max) => dayRange(min, max) } },
      axes: [
        {
          ...axis,
          incrs: DAY_TICK_INCREMENTS,
          values: (_u, ticks) => ticks.map((s) => dayLabel(s, fmt.locale)),
        },
        axis,
      ],
      series: [{}, { stroke: palette.primary, fill: `${palette.primary}55`, paths: bars }],
    }),
    dayData,
  );
  const threadEl = usePlot(
    () => ({
      width: WIDTH,
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: false, range: (u) => [-0.5, Math.max(u.data[0].length, 1) - 0.5] } },
      // the options live as long as the chart: labels read the latest titles through the ref
      axes: [
        {
          ...axis,
          incrs: [1],
          values: (_u, ticks) => ticks.map((i) => titles.current[i]?.slice(0, 12) ?? ''),
        },
        axis,
      ],
      series: [{}, { stroke: palette.agent, fill: `${palette.agent}55`, paths: bars }],
    }),
    threadData,
  );
  const total = day.spent.reduce((a, b) => a + b, 0);
  return (
    <>
      <p className="muted">
        {t('activity.spentSummary', { tokens: fmt.tokens(total), count: day.days.length })}
      </p>
      <figure className="chart">
        <figcaption>{t('activity.perDay')}</figcaption>
        <div
          ref={dayEl}
          data-testid="spend-per-day"
          role="img"
          aria-label={t('activity.perDayAlt', { count: day.days.length })}
        />
      </figure>
      <figure className="chart">
        <figcaption>{t('activity.perThread')}</figcaption>
        <div
          ref={threadEl}
          data-testid="spend-per-thread"
          role="img"
          aria-label={t('activity.perThreadAlt', { count: thread.titles.length })}
        />
      </figure>
    </>
  );
}

/** Token spend per day (ledger debits) and per thread (threads.tokens_consumed), drawn by uPlot. */
export function SpendChart() {
  const { t, i18n } = useTranslation();
  const scheme = useStore(themeStore, (s) => s.scheme);
  const transactions = useDataspace((s) => s.transactions);
  const spent = transactions.some((x) => x.type === 'debit' && x.amount < 0);
  return (
    <section className="stack" aria-label={t('activity.spend')}>
      <h3 className="section-title">{t('activity.spend')}</h3>
      {spent ? (
        <Charts key={`${i18n.resolvedLanguage}-${scheme}`} />
      ) : (
        <EmptyState title={t('activity.noSpendTitle')} body={t('activity.noSpendBody')} />
      )}
    </section>
  );
}
