import { useEffect, useState } from 'react';
import { viewFor, type ViewName } from './route';
import { History } from './views/History';
import { Overlay } from './views/Overlay';
import { Popover } from './views/Popover';
import { Settings } from './views/Settings';

const TITLES: Record<ViewName, string> = {
  popover: 'Swictation',
  settings: 'Swictation — Settings',
  history: 'Swictation — History',
  overlay: 'Swictation — dictating',
};

const VIEWS: Record<ViewName, () => React.JSX.Element> = {
  popover: Popover,
  settings: Settings,
  history: History,
  overlay: Overlay,
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
    // Page-wide styles per view (the overlay's page is transparent around its pill).
    document.documentElement.dataset['view'] = view;
  }, [view]);
  const View = VIEWS[view];
  return <View />;
}
