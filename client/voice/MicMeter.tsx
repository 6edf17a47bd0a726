import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A live level bar of a microphone stream: an AnalyserNode read on animation frames, written to the
 * bar's style and the meter's `aria-valuenow` (never React state). `data-level` carries the RMS for tests.
 */
export function MicMeter({ stream }: { stream: MediaStream | null }) {
  const { t } = useTranslation();
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!stream || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    void context.resume().catch(() => undefined);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    let frame = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      const rms = Math.sqrt(sum / data.length);
      const el = bar.current;
      if (el) {
        // -60 dBFS .. 0 dBFS across the bar
        const db = 20 * Math.log10(Math.max(rms, 1e-6));
        const percent = Math.max(0, Math.min(100, ((db + 60) / 60) * 100)).toFixed(0);
        el.style.width = `${percent}%`;
        el.dataset.level = rms.toFixed(4);
        // the meter's value for assistive technology, written only when it changes
        const meter = el.parentElement;
        if (meter && meter.getAttribute('aria-valuenow') !== percent)
          meter.setAttribute('aria-valuenow', percent);
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close().catch(() => undefined);
    };
  }, [stream]);
  return (
    <div
      className="mic-meter"
      role="meter"
      aria-label={t('voice.meter')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
    >
      <div ref={bar} className="mic-meter-bar" data-level="0" />
    </div>
  );
}
