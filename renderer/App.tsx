import { useEffect, useState } from 'react';
import { viewFor, type ViewName } from './route';
import { History } from './views/History';
import { Popover } from './views/Popover';
import { Settings } from './views/Settings';

const TITLES: Record<ViewName, string> = {
  popover: 'Swictation',
  settings: 'Swictation — Settings',
  history: 'Swictation — History',
};

export function App() {
  const [view, setView] = useState<ViewName>(() => viewFor(location.hash, location.search));
  useEffect(() => {
    const onHash = () => setView(viewFor(location.hash, location.search));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = TITLES[view];
  }, [view]);
  return view === 'settings' ? <Settings /> : view === 'history' ? <History /> : <Popover />;
}
