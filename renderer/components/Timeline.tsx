import { useEffect, useRef } from 'react';
import { useAppStore } from '../store/useApp';
import { createTimelineChart } from './timelineChart';

/** React only mounts the chart; its updates bypass React entirely (see timelineChart). */
export function Timeline() {
  const store = useAppStore();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const chart = createTimelineChart(host.current, store);
    return () => chart.destroy();
  }, [store]);
  return (
    <section className="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Last 5 minutes</h2>
      <div
        ref={host}
        className="timeline-chart"
        data-testid="timeline-chart"
        role="img"
        aria-label="GPU memory usage over the last five minutes, over the warning, critical and emergency bands"
      />
      {/* The chart's colours named: the bands are the levels, the dashed line the restore threshold. */}
      <ul className="timeline-legend" data-testid="timeline-legend">
        <li className="legend-band-warning">WARNING</li>
        <li className="legend-band-critical">CRITICAL</li>
        <li className="legend-band-emergency">EMERGENCY</li>
        <li className="legend-restore">restore threshold</li>
      </ul>
    </section>
  );
}
