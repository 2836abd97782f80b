import { ConnectionBanner } from '../components/ConnectionBanner';
import { Details } from '../components/Details';
import { DictateToggle } from '../components/DictateToggle';
import { EventLog } from '../components/EventLog';
import { FirstRun } from '../components/FirstRun';
import { LastTranscript } from '../components/LastTranscript';
import { MemoryCard } from '../components/MemoryCard';
import { ModelList } from '../components/ModelList';
import { Timeline } from '../components/Timeline';
import { TopProcesses } from '../components/TopProcesses';
import { useApp } from '../store/useApp';

/**
 * The tray popover, dictation first: Dictate and the hotkey, the last transcript, one memory card; the
 * timeline, tables and log fold away under Details (380 × 600 shows everything above the fold).
 */
export function Popover() {
  // Without a GPU the chart and the process list could only be empty: they are not shown at all.
  const noGpu = useApp((s) => s.status?.probe.kind === 'none');
  return (
    <main className="view popover">
      <header className="view-header">
        <h1>Swictation</h1>
        <ConnectionBanner />
        <nav className="view-nav" aria-label="Windows">
          <a href="#history">History</a>
          <a href="#settings">Settings</a>
        </nav>
      </header>
      <DictateToggle />
      <FirstRun />
      <LastTranscript />
      <MemoryCard />
      <Details whenOpen={noGpu ? null : <Timeline />}>
        <ModelList />
        {!noGpu && <TopProcesses />}
        <EventLog />
      </Details>
    </main>
  );
}
