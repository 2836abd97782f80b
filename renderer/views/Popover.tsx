import { ConnectionBanner } from '../components/ConnectionBanner';
import { DictateToggle } from '../components/DictateToggle';
import { EventLog } from '../components/EventLog';
import { FirstRun } from '../components/FirstRun';
import { Gauge } from '../components/Gauge';
import { LevelBadge } from '../components/LevelBadge';
import { ModelList } from '../components/ModelList';
import { OffloadButton } from '../components/OffloadButton';
import { RestoreButton } from '../components/RestoreButton';
import { Timeline } from '../components/Timeline';
import { TranscriptList } from '../components/TranscriptList';

/** The tray popover: everything at a glance, the commands, and what happened. */
export function Popover() {
  return (
    <main className="view popover">
      <header className="view-header">
        <h1>Swictation</h1>
        <LevelBadge />
        <ConnectionBanner />
      </header>
      <FirstRun />
      <Gauge />
      <Timeline />
      <ModelList />
      <div className="actions">
        <DictateToggle />
        <RestoreButton />
        <OffloadButton />
      </div>
      <TranscriptList limit={10} />
      <EventLog />
      <nav className="view-nav" aria-label="Windows">
        <a href="#history">History</a>
        <a href="#settings">Settings</a>
      </nav>
    </main>
  );
}
