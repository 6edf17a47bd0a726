import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useDataspace } from '../room/DataspaceContext.ts';
import { DAY_TICK_INCREMENTS, dayLabel, dayRange, spendByDay, spendByThread } from '../room/tokenSpend.ts';

const WIDTH = 300;
const HEIGHT = 140;

function usePlot(opts: () => uPlot.Options, data: uPlot.AlignedData) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!el.current) return;
    plot.current = new uPlot(opts(), data, el.current);
    return () => plot.current?.destroy();
    // the options are fixed for the component's life; data changes go through setData
  }, []);
  useEffect(() => plot.current?.setData(data), [data]);
  return el;
}

const bars = uPlot.paths.bars!({ size: [0.6, 40] });

/** Token spend per day (ledger commits) and per thread (threads.tokens_consumed), drawn by uPlot. */
export function SpendChart() {
  const transactions = useDataspace((s) => s.transactions);
  const threads = useDataspace((s) => s.threads);
  const day = spendByDay(transactions);
  const thread = spendByThread(threads);
  const titles = useRef(thread.titles);
  titles.current = thread.titles;
  const dayData: uPlot.AlignedData = [day.days.map((d) => Date.parse(d) / 1000), day.spent];
  const threadData: uPlot.AlignedData = [thread.titles.map((_, i) => i), thread.spent];
  const dayEl = usePlot(
    () => ({
      title: 'Tokens spent per day',
      width: WIDTH,
      height: HEIGHT,
      scales: { x: { time: true, range: (_u, min, max) => dayRange(min, max) } },
      axes: [{ incrs: DAY_TICK_INCREMENTS, values: (_u, ticks) => ticks.map(dayLabel) }, {}],
      series: [{}, { label: 'tokens', stroke: '#4f8cff', fill: 'rgba(79,140,255,0.3)', paths: bars }],
    }),
    dayData,
  );
  const threadEl = usePlot(
    () => ({
      title: 'Tokens spent per thread',
      width: WIDTH,
      height: HEIGHT,
      scales: { x: { time: false, range: (u) => [-0.5, Math.max(u.data[0].length, 1) - 0.5] } },
      // the options live as long as the chart: labels read the latest titles through the ref
      axes: [
        { incrs: [1], values: (_u, ticks) => ticks.map((i) => titles.current[i]?.slice(0, 12) ?? '') },
        {},
      ],
      series: [{}, { label: 'tokens', stroke: '#ff8c42', fill: 'rgba(255,140,66,0.3)', paths: bars }],
    }),
    threadData,
  );
  return (
    <section className="panel chart" aria-label="Token spend">
      <div ref={dayEl} data-testid="spend-per-day" />
      <div ref={threadEl} data-testid="spend-per-thread" />
    </section>
  );
}
